package guacamole

import (
	"net/http"
	"slices"
	"strings"
)

// apiPermissions is a user's permission set on the wire (APIPermissionSet).
type apiPermissions struct {
	ConnectionPermissions       map[string][]string `json:"connectionPermissions"`
	ConnectionGroupPermissions  map[string][]string `json:"connectionGroupPermissions"`
	SharingProfilePermissions   map[string][]string `json:"sharingProfilePermissions"`
	ActiveConnectionPermissions map[string][]string `json:"activeConnectionPermissions"`
	UserPermissions             map[string][]string `json:"userPermissions"`
	UserGroupPermissions        map[string][]string `json:"userGroupPermissions"`
	SystemPermissions           []string            `json:"systemPermissions"`
}

func (u *user) permissions() apiPermissions {
	out := apiPermissions{ConnectionPermissions: map[string][]string{}, ConnectionGroupPermissions: map[string][]string{},
		SharingProfilePermissions: map[string][]string{}, ActiveConnectionPermissions: map[string][]string{},
		UserPermissions: map[string][]string{u.name: {permRead}}, UserGroupPermissions: map[string][]string{},
		SystemPermissions: setList(u.system)}
	for id, perms := range u.conns {
		if len(perms) > 0 {
			out.ConnectionPermissions[id] = setList(perms)
		}
	}
	return out
}

// getPermissions serves GET .../users/{username}/permissions.
func (s *Server) getPermissions(w http.ResponseWriter, _ *http.Request, p map[string]string, who string) {
	s.answerRead(w, p["username"], func() (any, bool) {
		if !s.st.canSee(who, p["username"]) {
			return nil, false
		}
		return s.st.users[p["username"]].permissions(), true
	})
}

// patch is one JSON Patch operation on a permission set.
type patch struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value string `json:"value"`
}

const (
	connPermPrefix = "/connectionPermissions/"
	systemPermPath = "/systemPermissions"
)

var (
	objectPermissions = []string{"READ", "UPDATE", "DELETE", "ADMINISTER"}
	systemPermissions = []string{"CREATE_CONNECTION", "CREATE_CONNECTION_GROUP", "CREATE_SHARING_PROFILE",
		"CREATE_USER", "CREATE_USER_GROUP", "AUDIT", "ADMINISTER"}
)

// patchPermissions serves PATCH .../users/{username}/permissions: a JSON
// Patch array of "add" and "remove" operations, applied all or none.
// Connection and system permissions are simulated; other paths
// (connection groups, users, ...) are refused with BAD_REQUEST. Adding a
// permission on a connection that does not exist fails as the JDBC
// backend's foreign key makes it fail: 500 INTERNAL_ERROR.
func (s *Server) patchPermissions(w http.ResponseWriter, r *http.Request, p map[string]string, who string) {
	var ops []patch
	if !decodeBody(w, r, &ops) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := p["username"]
	switch {
	case !s.st.canSee(who, name):
		writeNotFound(w, name)
		return
	case !s.st.isAdmin(who):
		writeError(w, typePermissionDenied, msgForbidden)
		return
	}
	for _, op := range ops {
		if msg := checkPatch(op); msg != "" {
			writeError(w, typeBadRequest, msg)
			return
		}
		if id, ok := strings.CutPrefix(op.Path, connPermPrefix); ok && op.Op == "add" && s.st.conns[id] == nil {
			writeError(w, typeInternalError, msgInternal)
			return
		}
	}
	u := s.st.users[name]
	for _, op := range ops {
		set := u.system
		if id, ok := strings.CutPrefix(op.Path, connPermPrefix); ok {
			if u.conns[id] == nil {
				u.conns[id] = map[string]bool{}
			}
			set = u.conns[id]
		}
		if op.Op == "add" {
			set[op.Value] = true
		} else {
			delete(set, op.Value)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkPatch returns the BAD_REQUEST message for an operation Guacamole
// would refuse, or "".
func checkPatch(op patch) string {
	if op.Op != "add" && op.Op != "remove" {
		return "Unsupported patch operation: \"" + op.Op + "\""
	}
	switch id, isConn := strings.CutPrefix(op.Path, connPermPrefix); {
	case isConn && id != "" && slices.Contains(objectPermissions, op.Value):
	case op.Path == systemPermPath && slices.Contains(systemPermissions, op.Value):
	case isConn && id != "", op.Path == systemPermPath:
		return "Unsupported permission: \"" + op.Value + "\""
	default:
		return "Unsupported patch path: \"" + op.Path + "\""
	}
	return ""
}

// setList is the members of a set, sorted.
func setList(set map[string]bool) []string {
	out := []string{}
	for k, ok := range set {
		if ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

package guacamole

import (
	"maps"
	"net/http"
	"strings"
)

// apiUser is a user on the wire (APIUser); the password is write-only.
type apiUser struct {
	Username   string            `json:"username"`
	Password   *string           `json:"password,omitempty"`
	Attributes map[string]string `json:"attributes"`
	Disabled   bool              `json:"disabled"`
}

func (u *user) api() apiUser {
	return apiUser{Username: u.name, Attributes: maps.Clone(u.attrs), Disabled: u.disabled}
}

// canSee reports whether who may read user name: administrators and the
// user itself (JDBC grants every user READ on itself).
func (st *state) canSee(who, name string) bool {
	return st.users[name] != nil && (who == name || st.isAdmin(who))
}

// listUsers serves GET .../users: a map by username of the users who may
// see.
func (s *Server) listUsers(w http.ResponseWriter, _ *http.Request, _ map[string]string, who string) {
	s.answerRead(w, "", func() (any, bool) {
		out := map[string]apiUser{}
		for name, u := range s.st.users {
			if s.st.canSee(who, name) {
				out[name] = u.api()
			}
		}
		return out, true
	})
}

// getUser serves GET .../users/{username}.
func (s *Server) getUser(w http.ResponseWriter, _ *http.Request, p map[string]string, who string) {
	s.answerRead(w, p["username"], func() (any, bool) {
		if !s.st.canSee(who, p["username"]) {
			return nil, false
		}
		return s.st.users[p["username"]].api(), true
	})
}

// createUser serves POST .../users.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request, _ map[string]string, who string) {
	var in struct {
		Username   string             `json:"username"`
		Password   *string            `json:"password"`
		Attributes map[string]*string `json:"attributes"`
		Disabled   bool               `json:"disabled"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.st.isAdmin(who):
		writeError(w, typePermissionDenied, msgForbidden)
	case strings.TrimSpace(in.Username) == "":
		writeError(w, typeBadRequest, "The username must not be blank.")
	case in.Attributes == nil:
		writeError(w, typeBadRequest, "The user's attributes are missing (send \"attributes\": {}).")
	case s.st.users[in.Username] != nil:
		writeError(w, typeBadRequest, "User \""+in.Username+"\" already exists.")
	default:
		attrs := map[string]string{}
		for k, v := range in.Attributes {
			if v != nil {
				attrs[k] = *v
			}
		}
		var password string
		if in.Password != nil {
			password = *in.Password
		}
		u := newUser(in.Username, password, attrs)
		u.disabled = in.Disabled
		s.st.users[u.name] = u
		writeJSON(w, http.StatusOK, u.api())
	}
}

// deleteUser serves DELETE .../users/{username}; the user's tokens stop
// working with it.
func (s *Server) deleteUser(w http.ResponseWriter, _ *http.Request, p map[string]string, who string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := p["username"]
	switch {
	case !s.st.canSee(who, name):
		writeNotFound(w, name)
	case !s.st.isAdmin(who):
		writeError(w, typePermissionDenied, msgForbidden)
	case name == who:
		writeError(w, typeBadRequest, "Deleting your own user is not allowed.")
	default:
		delete(s.st.users, name)
		w.WriteHeader(http.StatusNoContent)
	}
}

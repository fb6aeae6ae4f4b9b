package guacamole

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// rootGroup is the identifier of the root connection group.
const rootGroup = "ROOT"

// protocols are the protocols guacd 1.6 supports.
var protocols = []string{"rdp", "vnc", "ssh", "telnet", "kubernetes"}

// apiConnection is a connection on the wire (APIConnection). Lists and
// reads leave the parameters out, as Guacamole does; they are write-only
// here (the real server serves them from .../connections/{id}/parameters
// to administrators, which Labforge does not use).
type apiConnection struct {
	Identifier        string            `json:"identifier"`
	ParentIdentifier  string            `json:"parentIdentifier"`
	Name              string            `json:"name"`
	Protocol          string            `json:"protocol"`
	Parameters        map[string]string `json:"parameters,omitempty"`
	Attributes        map[string]string `json:"attributes"`
	ActiveConnections int               `json:"activeConnections"`
}

func (c *connection) api() apiConnection {
	return apiConnection{Identifier: c.id, ParentIdentifier: c.parent, Name: c.name, Protocol: c.protocol,
		Attributes: maps.Clone(c.attrs)}
}

// listConnections serves GET .../connections: a map by identifier of the
// connections the user may read.
func (s *Server) listConnections(w http.ResponseWriter, _ *http.Request, _ map[string]string, who string) {
	s.answerRead(w, "", func() (any, bool) {
		out := map[string]apiConnection{}
		for id, c := range s.st.conns {
			if s.st.canRead(who, id) {
				out[id] = c.api()
			}
		}
		return out, true
	})
}

// getConnection serves GET .../connections/{id}.
func (s *Server) getConnection(w http.ResponseWriter, _ *http.Request, p map[string]string, who string) {
	s.answerRead(w, p["id"], func() (any, bool) {
		c := s.st.conns[p["id"]]
		if c == nil || !s.st.canRead(who, c.id) {
			return nil, false
		}
		return c.api(), true
	})
}

// createConnection serves POST .../connections.
func (s *Server) createConnection(w http.ResponseWriter, r *http.Request, _ map[string]string, who string) {
	var in struct {
		ParentIdentifier string                     `json:"parentIdentifier"`
		Name             string                     `json:"name"`
		Protocol         string                     `json:"protocol"`
		Parameters       map[string]json.RawMessage `json:"parameters"`
		Attributes       map[string]*string         `json:"attributes"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	params, msg := stringParams(in.Parameters)
	switch {
	case msg != "":
	case strings.TrimSpace(in.Name) == "":
		msg = "Connection names must not be blank."
	case !slices.Contains(protocols, in.Protocol):
		msg = "Unsupported protocol: \"" + in.Protocol + "\""
	case in.Attributes == nil:
		msg = "The connection's attributes are missing (send \"attributes\": {})."
	}
	if in.ParentIdentifier == "" {
		in.ParentIdentifier = rootGroup
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.st.isAdmin(who):
		writeError(w, typePermissionDenied, msgForbidden)
	case msg != "":
		writeError(w, typeBadRequest, msg)
	case in.ParentIdentifier != rootGroup:
		writeError(w, typeNotFound, "No such connection group: \""+in.ParentIdentifier+"\"")
	case s.st.connectionNamed(in.ParentIdentifier, in.Name) != nil:
		writeError(w, typeBadRequest, "The connection \""+in.Name+"\" already exists.")
	default:
		s.st.nextID++
		c := &connection{id: strconv.Itoa(s.st.nextID), parent: in.ParentIdentifier, name: in.Name,
			protocol: in.Protocol, params: params, attrs: map[string]string{}}
		for k, v := range in.Attributes {
			if v != nil {
				c.attrs[k] = *v
			}
		}
		s.st.conns[c.id] = c
		writeJSON(w, http.StatusOK, c.api())
	}
}

// deleteConnection serves DELETE .../connections/{id}; the permissions
// on it go with it.
func (s *Server) deleteConnection(w http.ResponseWriter, _ *http.Request, p map[string]string, who string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := p["id"]
	switch {
	case s.st.conns[id] == nil || !s.st.canRead(who, id):
		writeNotFound(w, id)
	case !s.st.isAdmin(who):
		writeError(w, typePermissionDenied, msgForbidden)
	default:
		delete(s.st.conns, id)
		for _, u := range s.st.users {
			delete(u.conns, id)
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// connectionNamed is the connection called name under parent, or nil.
func (st *state) connectionNamed(parent, name string) *connection {
	for _, c := range st.conns {
		if c.parent == parent && c.name == name {
			return c
		}
	}
	return nil
}

// stringParams checks that every parameter value is a JSON string (a port
// is "22", not 22) and returns them, or a BAD_REQUEST message.
func stringParams(raw map[string]json.RawMessage) (map[string]string, string) {
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		var s *string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, "Connection parameter \"" + k + "\" must be a string."
		}
		if s != nil {
			out[k] = *s
		}
	}
	return out, ""
}

// writeNotFound answers for an object that does not exist or that the
// user may not see; Guacamole does not tell the two apart.
func writeNotFound(w http.ResponseWriter, id string) {
	writeError(w, typeNotFound, "Not found: \""+id+"\"")
}

// answerRead answers what read returns under the lock, or NOT_FOUND for
// id when read reports the object absent or invisible to the user.
func (s *Server) answerRead(w http.ResponseWriter, id string, read func() (any, bool)) {
	s.mu.Lock()
	v, ok := read()
	s.mu.Unlock()
	if !ok {
		writeNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// decodeBody reads a JSON request body into v, or answers BAD_REQUEST.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, typeBadRequest, "Invalid request body: "+err.Error())
		return false
	}
	return true
}

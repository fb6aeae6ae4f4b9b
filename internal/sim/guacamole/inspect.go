package guacamole

import (
	"maps"
	"slices"
	"strconv"
)

// Connection is a connection as the simulator stores it, parameters
// (passwords included) and all.
type Connection struct {
	Identifier       string            `json:"identifier"`
	ParentIdentifier string            `json:"parentIdentifier"`
	Name             string            `json:"name"`
	Protocol         string            `json:"protocol"`
	Parameters       map[string]string `json:"parameters"`
	Attributes       map[string]string `json:"attributes"`
}

// User is a user as the simulator stores it.
type User struct {
	Username string `json:"username"`
	Disabled bool   `json:"disabled"`
	// Admin reports the system permission ADMINISTER.
	Admin bool `json:"admin"`
	// Connections maps the identifiers of the connections the user holds
	// permissions on to those permissions, sorted.
	Connections map[string][]string `json:"connections"`
}

// Connections returns every connection, by identifier.
func (s *Server) Connections() []Connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Connection, 0, len(s.st.conns))
	for _, c := range s.st.conns {
		out = append(out, Connection{Identifier: c.id, ParentIdentifier: c.parent, Name: c.name, Protocol: c.protocol,
			Parameters: maps.Clone(c.params), Attributes: maps.Clone(c.attrs)})
	}
	slices.SortFunc(out, func(a, b Connection) int { return numericID(a.Identifier) - numericID(b.Identifier) })
	return out
}

// Users returns every user, by username.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.st.users))
	for _, name := range slices.Sorted(maps.Keys(s.st.users)) {
		u := s.st.users[name]
		out = append(out, User{Username: name, Disabled: u.disabled, Admin: u.system[permAdminister],
			Connections: u.permissions().ConnectionPermissions})
	}
	return out
}

// Permissions returns the identifiers of the connections user may read
// (READ granted), sorted, and whether the user exists.
func (s *Server) Permissions(user string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[user]
	if u == nil {
		return nil, false
	}
	out := []string{}
	for id, perms := range u.conns {
		if perms[permRead] {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return numericID(a) - numericID(b) })
	return out, true
}

func numericID(id string) int {
	n, _ := strconv.Atoi(id)
	return n
}

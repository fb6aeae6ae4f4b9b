package guacamole

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// state is the simulated database and session map; Server.mu guards it.
type state struct {
	nextID   int                    // last connection identifier handed out
	conns    map[string]*connection // by identifier
	users    map[string]*user       // by username
	sessions map[string]*session    // by token
	timeout  time.Duration          // scaled token inactivity timeout
}

type connection struct {
	id, parent, name, protocol string
	params, attrs              map[string]string
}

type user struct {
	name, password string
	disabled       bool
	attrs          map[string]string
	// conns holds the connection permissions by connection identifier
	// (READ, UPDATE, DELETE, ADMINISTER); system the system permissions.
	conns  map[string]map[string]bool
	system map[string]bool
}

type session struct {
	user string
	last time.Time
}

func newState(cfg Config) *state {
	st := &state{conns: map[string]*connection{}, users: map[string]*user{}, sessions: map[string]*session{},
		timeout: cfg.tokenTimeout()}
	admin := newUser(cfg.AdminUsername, cfg.AdminPassword, nil)
	admin.system[permAdminister] = true
	st.users[admin.name] = admin
	return st
}

func newUser(name, password string, attrs map[string]string) *user {
	if attrs == nil {
		attrs = map[string]string{}
	}
	return &user{name: name, password: password, attrs: attrs,
		conns: map[string]map[string]bool{}, system: map[string]bool{}}
}

// Permission names Guacamole uses.
const (
	permRead       = "READ"
	permAdminister = "ADMINISTER"
)

// isAdmin reports whether name may administer the system.
func (st *state) isAdmin(name string) bool {
	u := st.users[name]
	return u != nil && u.system[permAdminister]
}

// canRead reports whether name may see connection id.
func (st *state) canRead(name, id string) bool {
	if st.isAdmin(name) {
		return true
	}
	u := st.users[name]
	return u != nil && u.conns[id][permRead]
}

// newToken is a token like Guacamole's SecureRandomAuthTokenGenerator
// makes: 32 random bytes, upper-case hex.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

// signIn checks credentials and opens a session.
func (s *Server) signInUser(username, password string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[username]
	if u == nil || u.disabled || u.password != password || username == "" {
		return "", false
	}
	token := newToken()
	s.st.sessions[token] = &session{user: username, last: time.Now()}
	return token, true
}

// touch returns the user of a live token and marks it used; expired
// tokens are removed.
func (s *Server) touch(token string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ses := s.st.sessions[token]
	if ses == nil {
		return "", false
	}
	now := time.Now()
	if now.Sub(ses.last) > s.st.timeout || s.st.users[ses.user] == nil {
		delete(s.st.sessions, token)
		return "", false
	}
	ses.last = now
	return ses.user, true
}

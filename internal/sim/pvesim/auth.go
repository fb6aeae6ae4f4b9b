package pvesim

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ticketLifetime is how long a PVEAuthCookie ticket is valid, as in Proxmox.
const ticketLifetime = 2 * time.Hour

// authFailure is a 401 as pveproxy answers it: the reason in the status
// line and no body.
func authFailure(msg string) *apiError {
	return &apiError{status: http.StatusUnauthorized, msg: msg, bare: true}
}

// authenticate returns the user a request acts as (user@realm for
// tickets, user@realm!token for API tokens) the way pveproxy picks its
// credentials: the PVEAuthCookie cookie first, then a PVEAuthCookie in the
// Authorization header, and only when neither carries a ticket the
// PVEAPIToken in the Authorization header. A ticket, even an invalid one,
// therefore wins over a token. Writes with a ticket need a valid
// CSRFPreventionToken header; token requests do not.
func (s *Server) authenticate(r *http.Request) (string, *apiError) {
	authz := strings.Join(r.Header.Values("Authorization"), ", ")
	ticket := extractAuthValue(strings.Join(r.Header.Values("Cookie"), ", "), "PVEAuthCookie")
	if ticket == "" {
		ticket = extractAuthValue(authz, "PVEAuthCookie")
	}
	if ticket == "" {
		if tok := extractAuthValue(authz, "PVEAPIToken"); tok != "" {
			return s.verifyToken(tok)
		}
		return "", authFailure("No ticket")
	}
	user, ok := s.verifyTicket(ticket)
	if !ok {
		return "", authFailure("Authentication failed!")
	}
	if r.Method != http.MethodGet && !s.verifyCSRF(user, r.Header.Get("CSRFPreventionToken")) {
		return "", authFailure("Permission denied - invalid csrf token")
	}
	return user, nil
}

// verifyToken is PVE::AccessControl::verify_token for "<tokenid>=<secret>"
// (split at the last "="); every failure is "Authentication failed!".
func (s *Server) verifyToken(tok string) (string, *apiError) {
	i := strings.LastIndexByte(tok, '=')
	if i < 0 {
		return "", authFailure("Authentication failed!")
	}
	id, secret := tok[:i], tok[i+1:]
	s.mu.RLock()
	want, known := s.st.tokens[id]
	s.mu.RUnlock()
	if !known || subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
		return "", authFailure("Authentication failed!")
	}
	return id, nil
}

// authValuePatterns caches extractAuthValue's patterns per key.
var authValuePatterns = map[string]*regexp.Regexp{
	"PVEAuthCookie": regexp.MustCompile(`(?:^|\s)PVEAuthCookie(?:=| )([^;]*)`),
	"PVEAPIToken":   regexp.MustCompile(`(?:^|\s)PVEAPIToken(?:=| )([^;]*)`),
}

// extractAuthValue is PVE::APIServer::Formatter::extract_auth_value: the
// URI-unescaped value after "<key>=" (or "<key> ") at the start of header
// or after white space, up to the next ";"; "" when absent.
func extractAuthValue(header, key string) string {
	m := authValuePatterns[key].FindStringSubmatch(header)
	if m == nil || m[1] == "" {
		return ""
	}
	if u, err := url.PathUnescape(m[1]); err == nil {
		return u
	}
	return m[1]
}

// sign is the keyed signature of tickets and CSRF tokens.
func (s *Server) sign(data string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(data))
	return base64.RawStdEncoding.EncodeToString(m.Sum(nil))
}

// newTicket issues a ticket "PVE:<user>:<HEXTIME>::<signature>".
func (s *Server) newTicket(user string) string {
	data := fmt.Sprintf("PVE:%s:%08X", user, time.Now().Unix())
	return data + "::" + s.sign(data)
}

// verifyTicket returns the ticket's user when it is genuine and not expired.
func (s *Server) verifyTicket(ticket string) (string, bool) {
	data, sig, ok := strings.Cut(ticket, "::")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(data))) {
		return "", false
	}
	p := strings.Split(data, ":")
	if len(p) != 3 || p[0] != "PVE" {
		return "", false
	}
	ts, err := strconv.ParseInt(p[2], 16, 64)
	if err != nil || time.Since(time.Unix(ts, 0)) > ticketLifetime {
		return "", false
	}
	return p[1], true
}

// newCSRF issues a CSRFPreventionToken "<HEXTIME>:<signature>".
func (s *Server) newCSRF(user string) string {
	ts := fmt.Sprintf("%08X", time.Now().Unix())
	return ts + ":" + s.sign(ts+":"+user)
}

// verifyCSRF checks a CSRFPreventionToken for user.
func (s *Server) verifyCSRF(user, token string) bool {
	ts, sig, ok := strings.Cut(token, ":")
	if !ok || len(ts) != 8 {
		return false
	}
	t, err := strconv.ParseInt(ts, 16, 64)
	if err != nil || time.Since(time.Unix(t, 0)) > ticketLifetime {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(s.sign(ts+":"+user)))
}

// createTicket serves POST /access/ticket: a password, or a valid ticket
// as password (renewal), yields a new ticket and CSRF token.
func (s *Server) createTicket(c *call) (any, error) {
	user := c.str("username")
	if realm := c.str("realm"); realm != "" && !strings.Contains(user, "@") {
		user += "@" + realm
	}
	pass := c.str("password")
	s.mu.RLock()
	want, known := s.st.users[user]
	cluster := s.st.cluster
	s.mu.RUnlock()
	ok := known && subtle.ConstantTimeCompare([]byte(want), []byte(pass)) == 1
	if !ok {
		if tu, valid := s.verifyTicket(pass); valid && tu == user {
			ok = true
		}
	}
	if !ok {
		return nil, &apiError{status: http.StatusUnauthorized, msg: "authentication failure"}
	}
	return map[string]any{
		"username":            user,
		"ticket":              s.newTicket(user),
		"CSRFPreventionToken": s.newCSRF(user),
		"clustername":         cluster,
		"cap": map[string]map[string]int{
			"vms":     {"VM.Allocate": 1, "VM.Clone": 1, "VM.Config.Network": 1, "VM.PowerMgmt": 1, "VM.Audit": 1, "VM.Snapshot": 1},
			"storage": {"Datastore.Allocate": 1, "Datastore.AllocateSpace": 1, "Datastore.Audit": 1},
			"nodes":   {"Sys.Audit": 1, "Sys.Modify": 1},
			"dc":      {"Sys.Audit": 1, "SDN.Use": 1},
			"access":  {"User.Modify": 1, "Permissions.Modify": 1},
		},
	}, nil
}

package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
)

// LoginRequest signs in with a username and password. Session asks for
// a console session (an HttpOnly cookie and a CSRF token) instead of an
// access token.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// Provider is "local", "ldap" or empty; see loginMethod.
	Provider string `json:"provider,omitempty"`
	Session  bool   `json:"session"`
}

// LoginResponse carries a bearer access token.
type LoginResponse struct {
	AccessToken string       `json:"access_token"`
	TokenType   string       `json:"token_type"`
	ExpiresIn   int          `json:"expires_in"`
	ExpiresAt   time.Time    `json:"expires_at"`
	User        *domain.User `json:"user"`
}

var (
	errBadCredentials = domain.Errorf(domain.KindUnauthorized, "invalid username or password")
	errDisabled       = domain.Errorf(domain.KindForbidden, "this account is disabled; ask an administrator")
)

func (s *Server) login(c *gin.Context) {
	var req LoginRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	v.Check(req.Username != "", "username", "is required")
	v.Check(req.Password != "", "password", "is required")
	v.Check(req.Provider == "" || req.Provider == loginLocal || req.Provider == loginLDAP, "provider", "must be local or ldap")
	v.Check(req.Provider != loginLDAP || s.ldap != nil, "provider", "LDAP sign-in is not enabled on this server")
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	if wait, what := s.throttle.wait(req.Username, c.ClientIP()); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
		abortWithError(c, domain.Errorf(domain.KindTooManyRequests, "%s", throttleMessage(wait, what)))
		return
	}
	u, err := s.users.FindUserByUsername(c.Request.Context(), req.Username)
	if err != nil && !domain.IsKind(err, domain.KindNotFound) {
		abortWithError(c, err)
		return
	}
	if s.loginMethod(u, req.Provider) == loginLDAP {
		s.loginLDAP(c, req)
		return
	}
	hash := ""
	if u != nil && u.Source == domain.AuthLocal {
		hash = u.PasswordHash
	}
	if !auth.CheckPassword(req.Password, hash) {
		s.loginFailed(c, req.Username, loginLocal)
		return
	}
	if u.Disabled {
		abortWithError(c, errDisabled)
		return
	}
	s.throttle.succeed(req.Username)
	s.finishLogin(c, u, loginLocal, req.Session)
}

// finishLogin answers a successful POST /auth/login: with a console
// session when the request asked for one, else with an access token.
func (s *Server) finishLogin(c *gin.Context, u *domain.User, method string, session bool) {
	if session {
		s.completeSessionSignIn(c, u, method)
		return
	}
	s.completeSignIn(c, u, method)
}

// The ways of signing in with a username and password.
const (
	loginLocal = "local"
	loginLDAP  = "ldap"
)

// loginMethod picks how a username and password sign in: as asked, or,
// when the request names no provider, locally when u (the account of that
// username, nil if none) is a local account or LDAP is off, and through
// LDAP otherwise. A local account is thus never signed in through LDAP
// unless the request asks for LDAP, and then provisioning refuses it.
func (s *Server) loginMethod(u *domain.User, asked string) string {
	switch {
	case asked != "":
		return asked
	case s.ldap == nil || (u != nil && u.Source == domain.AuthLocal):
		return loginLocal
	default:
		return loginLDAP
	}
}

// loginFailed counts, audits and answers a wrong username or password.
func (s *Server) loginFailed(c *gin.Context, username, method string) {
	s.throttle.fail(username, c.ClientIP())
	s.writeAudit(c, &domain.AuditRecord{Action: "auth.login_failed", ObjectType: domain.ObjectUser, ObjectID: username,
		ActorName: username, RequestID: requestID(c), ClientIP: c.ClientIP(),
		After: domain.JSONObject(map[string]string{"method": method})})
	abortWithError(c, errBadCredentials)
}

// completeSignIn answers a successful sign-in of u by method ("local",
// "ldap", "oidc"): it issues an access token, records the sign-in in the
// audit log and writes the LoginResponse. Every way of signing in ends here.
func (s *Server) completeSignIn(c *gin.Context, u *domain.User, method string) {
	token, exp, err := s.tokens.Issue(u.ID, u.Username, u.Roles, u.TokenVersion)
	if err != nil {
		abortWithError(c, err)
		return
	}
	s.auditSignIn(c, u, method)
	c.JSON(http.StatusOK, LoginResponse{AccessToken: token, TokenType: "Bearer", ExpiresIn: int(s.tokens.TTL().Seconds()), ExpiresAt: exp, User: u})
}

// auditSignIn records that u signed in by method.
func (s *Server) auditSignIn(c *gin.Context, u *domain.User, method string) {
	s.writeAudit(c, &domain.AuditRecord{Action: "auth.login", ObjectType: domain.ObjectUser, ObjectID: u.ID.String(),
		ActorID: u.ID, ActorName: u.Username, RequestID: requestID(c), ClientIP: c.ClientIP(),
		After: domain.JSONObject(map[string]string{"method": method})})
}

func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, currentUser(c))
}

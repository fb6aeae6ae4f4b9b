package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
)

// LoginRequest signs in a local account. Session asks for a console
// session (an HttpOnly cookie and a CSRF token) instead of an access token.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
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

var errBadCredentials = domain.Errorf(domain.KindUnauthorized, "invalid username or password")

func (s *Server) login(c *gin.Context) {
	var req LoginRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	v.Check(req.Username != "", "username", "is required")
	v.Check(req.Password != "", "password", "is required")
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
	hash := ""
	if u != nil && u.Source == domain.AuthLocal {
		hash = u.PasswordHash
	}
	if !auth.CheckPassword(req.Password, hash) {
		s.throttle.fail(req.Username, c.ClientIP())
		s.writeAudit(c, &domain.AuditRecord{Action: "auth.login_failed", ObjectType: domain.ObjectUser, ObjectID: req.Username,
			ActorName: req.Username, RequestID: requestID(c), ClientIP: c.ClientIP()})
		abortWithError(c, errBadCredentials)
		return
	}
	if u.Disabled {
		abortWithError(c, domain.Errorf(domain.KindForbidden, "this account is disabled; ask an administrator"))
		return
	}
	s.throttle.succeed(req.Username)
	if req.Session {
		s.completeSessionSignIn(c, u, "local")
		return
	}
	s.completeSignIn(c, u, "local")
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

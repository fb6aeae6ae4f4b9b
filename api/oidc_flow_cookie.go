package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/labforge/labforge/internal/oidcauth"
)

// An OIDC sign-in's state, nonce and PKCE verifier live between its start
// and the provider's callback in a cookie of the browser that started it:
// HttpOnly, SameSite=Lax (the callback is a top-level GET from the
// provider's site), limited to the OIDC routes, an HS256 JWT valid for
// flowCookieTTL. Any API replica can finish the sign-in,
// and the callback clears the cookie, so the same flow cannot complete
// twice in that browser.
const (
	flowCookieTTL    = 10 * time.Minute
	flowCookiePath   = "/api/v1/auth/oidc/"
	flowCookiePrefix = "labforge_oidc_"
)

// flowState is what the cookie carries: an HS256 JWT whose expiry is the
// cookie's.
type flowState struct {
	oidcauth.Flow
	ReturnTo string `json:"r"`
	jwt.RegisteredClaims
}

// setFlowCookie stores f for the provider's callback.
func (s *Server) setFlowCookie(c *gin.Context, provider string, f flowState) {
	f.ExpiresAt = jwt.NewNumericDate(time.Now().Add(flowCookieTTL))
	value, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, f).SignedString(s.oidcFlowKey) // HMAC signing does not fail
	s.writeFlowCookie(c, provider, value, int(flowCookieTTL.Seconds()))
}

// takeFlowCookie returns the provider's flow from the request's cookie and
// clears the cookie; ok is false when it is missing, forged or expired.
func (s *Server) takeFlowCookie(c *gin.Context, provider string) (f flowState, ok bool) {
	value, err := c.Cookie(flowCookiePrefix + provider)
	if err != nil {
		return f, false
	}
	s.writeFlowCookie(c, provider, "", -1)
	_, err = jwt.ParseWithClaims(value, &f, func(*jwt.Token) (any, error) { return s.oidcFlowKey, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired())
	if err != nil {
		return flowState{}, false
	}
	return f, true
}

func (s *Server) writeFlowCookie(c *gin.Context, provider, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: flowCookiePrefix + provider, Value: value, Path: flowCookiePath + provider + "/",
		MaxAge: maxAge, HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
}

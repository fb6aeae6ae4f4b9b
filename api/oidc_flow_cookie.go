package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/internal/oidcauth"
)

// An OIDC sign-in's state, nonce and PKCE verifier live between its start
// and the provider's callback in a cookie of the browser that started it:
// HttpOnly, SameSite=Lax (the callback is a top-level GET from the
// provider's site), limited to the OIDC routes, signed with HMAC-SHA256
// and valid for flowCookieTTL. Any API replica can finish the sign-in,
// and the callback clears the cookie, so the same flow cannot complete
// twice in that browser.
const (
	flowCookieTTL    = 10 * time.Minute
	flowCookiePath   = "/api/v1/auth/oidc/"
	flowCookiePrefix = "labforge_oidc_"
)

// flowState is what the cookie carries.
type flowState struct {
	oidcauth.Flow
	ReturnTo string `json:"r"`
	Expires  int64  `json:"e"`
}

func (s *Server) flowMAC(payload string) []byte {
	m := hmac.New(sha256.New, s.oidcFlowKey)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// setFlowCookie stores f for the provider's callback.
func (s *Server) setFlowCookie(c *gin.Context, provider string, f flowState) {
	f.Expires = time.Now().Add(flowCookieTTL).Unix()
	raw, _ := json.Marshal(f)
	payload := base64.RawURLEncoding.EncodeToString(raw)
	value := payload + "." + base64.RawURLEncoding.EncodeToString(s.flowMAC(payload))
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
	payload, mac, found := strings.Cut(value, ".")
	sum, err := base64.RawURLEncoding.DecodeString(mac)
	if !found || err != nil || !hmac.Equal(sum, s.flowMAC(payload)) {
		return f, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(raw, &f) != nil || time.Now().Unix() > f.Expires {
		return flowState{}, false
	}
	return f, true
}

func (s *Server) writeFlowCookie(c *gin.Context, provider, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: flowCookiePrefix + provider, Value: value, Path: flowCookiePath + provider + "/",
		MaxAge: maxAge, HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
}

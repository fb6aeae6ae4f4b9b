package auth

import (
	"crypto/rand"
	"encoding/base64"
)

// NewSessionToken returns a random console-session token for the
// browser's cookie (256 bits, URL-safe base64) and the hash to store.
func NewSessionToken() (token string, hash []byte) { return NewLinkToken() }

// HashSessionToken is the hash a session token is stored under.
func HashSessionToken(token string) []byte { return HashLinkToken(token) }

// NewCSRFToken returns a random token a console session's unsafe requests
// must echo in a header (128 bits, URL-safe base64).
func NewCSRFToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

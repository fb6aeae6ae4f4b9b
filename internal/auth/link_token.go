package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// NewLinkToken returns a random token for an e-mailed link (invitation,
// password reset), 256 bits in URL-safe base64, and the hash to store.
func NewLinkToken() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashLinkToken(token)
}

// HashLinkToken is the SHA-256 of token, under which it is stored: the
// token has 256 bits of entropy, so a plain hash is enough.
func HashLinkToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// APIKeyPrefix starts every API key, so that the API tells one from an
// access token (a JWT starts with "eyJ") and secret scanners can find
// leaked keys.
const APIKeyPrefix = "lf_"

// An API key is lf_<prefix>_<secret>: the prefix (6 random bytes, hex)
// finds the key's row, the secret (32 random bytes, hex) proves it.
const (
	apiKeyPrefixBytes = 6
	apiKeySecretBytes = 32
)

// NewAPIKey returns a new key to show its owner once, its prefix, and the
// hash of its secret to store.
func NewAPIKey() (key, prefix string, hash []byte) {
	prefix = hex.EncodeToString(randomBytes(apiKeyPrefixBytes))
	secret := hex.EncodeToString(randomBytes(apiKeySecretBytes))
	return APIKeyPrefix + prefix + "_" + secret, prefix, HashAPISecret(secret)
}

// ParseAPIKey splits key into its prefix and secret; ok is false when key
// does not have the form of an API key.
func ParseAPIKey(key string) (prefix, secret string, ok bool) {
	rest, ok := strings.CutPrefix(key, APIKeyPrefix)
	if !ok {
		return "", "", false
	}
	prefix, secret, ok = strings.Cut(rest, "_")
	if !ok || !isHex(prefix, apiKeyPrefixBytes) || !isHex(secret, apiKeySecretBytes) {
		return "", "", false
	}
	return prefix, secret, true
}

// HashAPISecret is what Labforge stores of a key's secret: its SHA-256.
// A fast hash is enough here, unlike for passwords: the secret is 256
// random bits, so there is nothing to guess from a leaked hash, and a
// slow hash (argon2id) would cost every API request tens of milliseconds
// and megabytes of memory.
func HashAPISecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// CheckAPISecret reports, in constant time, whether secret matches hash.
func CheckAPISecret(secret string, hash []byte) bool {
	return subtle.ConstantTimeCompare(HashAPISecret(secret), hash) == 1
}

func isHex(s string, bytes int) bool {
	if len(s) != 2*bytes {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// randomBytes returns n bytes from the system's random source (which
// crypto/rand.Read documents never to fail).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

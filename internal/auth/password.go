package auth

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/alexedwards/argon2id"
)

// hashParams follow the OWASP recommendation for argon2id (19 MiB, 2
// passes) with one lane, so a login costs tens of milliseconds.
var hashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// HashPassword returns an encoded argon2id hash of password, salt included.
func HashPassword(password string) (string, error) {
	h, err := argon2id.CreateHash(password, hashParams)
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return h, nil
}

// dummyHash is compared against when a user does not exist, so that a
// failed login takes as long whether or not the username is known.
var dummyHash, _ = HashPassword("labforge-timing-equaliser")

// CheckPassword reports whether password matches hash. An empty hash (an
// account without a local password) never matches, in constant-ish time.
func CheckPassword(password, hash string) bool {
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(password, dummyHash)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// GeneratePassword returns a random password of 24 URL-safe characters,
// used for the first admin when none is configured.
func GeneratePassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

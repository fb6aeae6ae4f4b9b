// Package secrets seals short secrets (node token secrets, connection
// passwords) for storage with AES-256-GCM under a key named by an id, so
// that keys can rotate: the current key seals, every configured key opens
// what it sealed; store.DB.RotateSecrets moves stored ones to the current key.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/labforge/labforge/domain"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,32}$`)

// Key is one AES-256 key and the id sealed secrets name it by.
type Key struct {
	ID    string
	bytes []byte
}

// ParseKey reads a key written as "<id>:<base64 of 32 bytes>", the form of
// LABFORGE_SECRET_KEY. Its errors never contain the key material.
func ParseKey(s string) (Key, error) {
	id, encoded, ok := strings.Cut(s, ":")
	if !ok || !keyIDPattern.MatchString(id) {
		return Key{}, errors.New(`a secret key is written "<id>:<base64 of 32 bytes>", the id being 1-32 of letters, digits, '.', '_' or '-'`)
	}
	b, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(b) != KeySize {
		return Key{}, fmt.Errorf("secret key %q must be the standard base64 of exactly 32 bytes (openssl rand -base64 32)", id)
	}
	return Key{ID: id, bytes: b}, nil
}

// NewKey makes a key from raw bytes, for tests and tools.
func NewKey(id string, raw []byte) (Key, error) {
	if !keyIDPattern.MatchString(id) || len(raw) != KeySize {
		return Key{}, errors.New("a secret key needs an id and exactly 32 bytes")
	}
	return Key{ID: id, bytes: append([]byte(nil), raw...)}, nil
}

// Keyring seals with its current key and opens with any of its keys.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

// NewKeyring seals with current and also opens secrets sealed with
// previous keys (ids must differ).
func NewKeyring(current Key, previous ...Key) (*Keyring, error) {
	r := &Keyring{current: current.ID, aeads: map[string]cipher.AEAD{}}
	for _, k := range append([]Key{current}, previous...) {
		if _, dup := r.aeads[k.ID]; dup {
			return nil, fmt.Errorf("secret key id %q is given twice", k.ID)
		}
		block, err := aes.NewCipher(k.bytes)
		if err != nil {
			return nil, fmt.Errorf("secret key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, fmt.Errorf("secret key %q: %w", k.ID, err)
		}
		r.aeads[k.ID] = aead
	}
	return r, nil
}

// CurrentKeyID is the id of the key Seal uses.
func (r *Keyring) CurrentKeyID() string { return r.current }

// Seal encrypts plaintext under the current key. The key id is bound to
// the ciphertext as additional data, so relabelling a secret fails to open.
func (r *Keyring) Seal(plaintext string) *domain.SealedSecret {
	aead := r.aeads[r.current]
	return &domain.SealedSecret{KeyID: r.current, Ciphertext: aead.Seal(nil, nil, []byte(plaintext), []byte(r.current))}
}

// ErrUnknownKey is returned by Open for a secret sealed with a key the
// keyring does not hold.
var ErrUnknownKey = errors.New("the secret was sealed with a key that is not configured")

// ErrTampered is returned by Open when the secret does not authenticate:
// a wrong key under the right id, or a changed ciphertext.
var ErrTampered = errors.New("the secret does not authenticate: wrong key or changed ciphertext")

// Open decrypts s with the key it names.
func (r *Keyring) Open(s *domain.SealedSecret) (string, error) {
	aead, ok := r.aeads[s.KeyID]
	if !ok {
		return "", fmt.Errorf("key %q: %w", s.KeyID, ErrUnknownKey)
	}
	plain, err := aead.Open(nil, nil, s.Ciphertext, []byte(s.KeyID))
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

// String names the key by its id only, so printing a Key never shows it.
func (k Key) String() string { return "secret key " + k.ID }

// GoString is String, for %#v.
func (k Key) GoString() string { return k.String() }

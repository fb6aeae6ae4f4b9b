package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// ObjectAPIKey is the object type of API keys in audit records.
const ObjectAPIKey = "api_key"

// APIKey lets a script act as its owner: it presents
// lf_<Prefix>_<secret> as a bearer token. Labforge keeps the prefix, to
// find the key, and a hash of the secret, never the secret itself.
type APIKey struct {
	ID      uuid.UUID `json:"id"`
	OwnerID uuid.UUID `json:"owner_id"`
	Name    string    `json:"name"`
	Prefix  string    `json:"prefix"`
	// ReadOnly narrows the owner's permissions to GET and HEAD requests.
	ReadOnly   bool       `json:"read_only"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	CreatedAt  time.Time  `json:"created_at"`
	// RevokedAt is set once the key is revoked; a revoked key is kept so
	// that a request with it can be told why it is refused.
	RevokedAt  *time.Time `json:"-"`
	SecretHash []byte     `json:"-"`
}

// Validate checks the fields a caller chooses, at time now.
func (k *APIKey) Validate(now time.Time) error {
	var v Validator
	v.Check(ValidDisplayText(k.Name, 100), "name", "is required: at most 100 printable characters")
	v.Check(k.ExpiresAt == nil || k.ExpiresAt.After(now), "expires_at", "must be in the future")
	return v.Err()
}

// APIKeyTouchInterval bounds how often a key's LastUsedAt is written: at
// most once per interval, so that a busy script does not write a row on
// every request.
const APIKeyTouchInterval = time.Minute

// NeedsTouch reports whether a request at now should record itself in
// LastUsedAt.
func (k *APIKey) NeedsTouch(now time.Time) bool {
	return k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= APIKeyTouchInterval
}

// APIKeyStore keeps API keys.
type APIKeyStore interface {
	// CreateAPIKey stores k, assigning ID and CreatedAt. It returns
	// KindInvalid for invalid fields and KindConflict when the prefix is
	// taken.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// FindAPIKeyByPrefix returns the key, revoked or not, or an error of
	// KindNotFound.
	FindAPIKeyByPrefix(ctx context.Context, prefix string) (*APIKey, error)
	// FindAPIKey returns the key, revoked or not, or an error of
	// KindNotFound.
	FindAPIKey(ctx context.Context, id uuid.UUID) (*APIKey, error)
	// ListAPIKeys returns the owner's keys that are not revoked, newest
	// first, and the cursor of the next page ("" at the end).
	ListAPIKeys(ctx context.Context, owner uuid.UUID, page Page) ([]APIKey, string, error)
	// RevokeAPIKey revokes the key. It returns KindNotFound when there is
	// no such key or it is already revoked.
	RevokeAPIKey(ctx context.Context, id uuid.UUID) (*APIKey, error)
	// TouchAPIKey sets the key's LastUsedAt to now unless it was set less
	// than APIKeyTouchInterval ago.
	TouchAPIKey(ctx context.Context, id uuid.UUID) error
}

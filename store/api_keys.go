package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

var _ domain.APIKeyStore = (*DB)(nil)

const apiKeyColumns = `k.id, k.user_id, k.name, k.prefix, k.secret_hash, k.read_only, k.expires_at,
	k.last_used_at, k.created_at, k.revoked_at`

func scanAPIKey(r rowScanner) (domain.APIKey, error) {
	var k domain.APIKey
	err := r.Scan(&k.ID, &k.OwnerID, &k.Name, &k.Prefix, &k.SecretHash, &k.ReadOnly, &k.ExpiresAt,
		&k.LastUsedAt, &k.CreatedAt, &k.RevokedAt)
	return k, err
}

// CreateAPIKey stores k, assigning ID and CreatedAt. It returns KindInvalid
// for invalid fields or an unknown owner and KindConflict when the prefix
// is taken.
func (db *DB) CreateAPIKey(ctx context.Context, k *domain.APIKey) error {
	if err := k.Validate(time.Now()); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO api_keys (user_id, name, prefix, secret_hash, read_only, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id, created_at`,
		k.OwnerID, k.Name, k.Prefix, k.SecretHash, k.ReadOnly, k.ExpiresAt,
	).Scan(&k.ID, &k.CreatedAt)
	return mapErr(err, "API key")
}

// FindAPIKeyByPrefix returns the key, revoked or not, or an error of
// KindNotFound.
func (db *DB) FindAPIKeyByPrefix(ctx context.Context, prefix string) (*domain.APIKey, error) {
	k, err := scanAPIKey(db.q.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys k WHERE k.prefix = $1`, prefix))
	if err != nil {
		return nil, mapErr(err, "API key "+quote(prefix))
	}
	return &k, nil
}

// FindAPIKey returns the key, revoked or not, or an error of KindNotFound.
func (db *DB) FindAPIKey(ctx context.Context, id uuid.UUID) (*domain.APIKey, error) {
	k, err := scanAPIKey(db.q.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys k WHERE k.id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "API key "+id.String())
	}
	return &k, nil
}

// ListAPIKeys returns the owner's keys that are not revoked, newest first,
// and the cursor of the next page ("" at the end).
func (db *DB) ListAPIKeys(ctx context.Context, owner uuid.UUID, page domain.Page) ([]domain.APIKey, string, error) {
	var c conds
	c.add("k.user_id = %s", owner)
	c.add("k.revoked_at IS NULL")
	return list(ctx, db, listQuery[domain.APIKey]{
		from: "api_keys k", columns: apiKeyColumns, orderBy: "k.created_at DESC, k.id DESC", what: "API keys",
		after: func(c *conds, at cursor) { c.add("(k.created_at, k.id) < (%s, %s)", at.T, at.ID) },
		scan:  scanAPIKey,
		key:   func(k *domain.APIKey) cursor { return cursor{T: k.CreatedAt, ID: k.ID} },
	}, c, page)
}

// RevokeAPIKey revokes the key and returns it. It returns KindNotFound when
// there is no such key or it is already revoked.
func (db *DB) RevokeAPIKey(ctx context.Context, id uuid.UUID) (*domain.APIKey, error) {
	k, err := scanAPIKey(db.q.QueryRow(ctx, `
		UPDATE api_keys k SET revoked_at = now() WHERE k.id = $1 AND k.revoked_at IS NULL
		RETURNING `+apiKeyColumns, id))
	if err != nil {
		return nil, mapErr(err, "API key "+id.String())
	}
	return &k, nil
}

// TouchAPIKey sets the key's LastUsedAt to now unless it was set less than
// domain.APIKeyTouchInterval ago. The condition is in the statement, so
// that API replicas racing on the same key write it once.
func (db *DB) TouchAPIKey(ctx context.Context, id uuid.UUID) error {
	_, err := db.q.Exec(ctx, `
		UPDATE api_keys SET last_used_at = now()
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - make_interval(secs => $2))`,
		id, domain.APIKeyTouchInterval.Seconds())
	return mapErr(err, "API key "+id.String())
}

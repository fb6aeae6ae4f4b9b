package store

import (
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/secrets"
)

// WithKeyring gives the store the keyring that seals the secrets it
// writes (node token secrets) and re-seals them on rotation. Without one,
// writing a plain secret fails with KindInvalid naming LABFORGE_SECRET_KEY.
func WithKeyring(k *secrets.Keyring) Option { return func(db *DB) { db.keys = k } }

// sealField seals plain for storage, or reports on field that the store
// has no key to seal it with.
func (db *DB) sealField(plain, field string) (*domain.SealedSecret, error) {
	if db.keys == nil {
		var v domain.Validator
		v.Check(false, field, "cannot be stored: the server has no LABFORGE_SECRET_KEY to seal it with")
		return nil, v.Err()
	}
	return db.keys.Seal(plain), nil
}

// sealedColumns splits s into its key id and ciphertext columns, both
// NULL for nil.
func sealedColumns(s *domain.SealedSecret) (keyID *string, ciphertext []byte) {
	if s == nil {
		return nil, nil
	}
	return &s.KeyID, s.Ciphertext
}

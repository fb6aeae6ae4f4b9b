package store

import (
	"context"
	"io/fs"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

// HasMessage reports whether errors.go has a message for the constraint of
// the given pg_constraint.contype ('u' and 'p' unique, 'f' foreign key,
// 'c' check); deleting asks for the message of a foreign key that blocks
// a delete.
func HasMessage(constraint string, kind byte, deleting bool) bool {
	switch kind {
	case 'u', 'p':
		_, ok := taken[constraint]
		return ok
	case 'f':
		if deleting {
			_, ok := referenced[constraint]
			return ok
		}
		_, ok := missing[constraint]
		return ok
	case 'c':
		_, ok := invalid[constraint]
		return ok
	}
	return false
}

// InTx runs fn in one transaction, as store methods do internally.
func (db *DB) InTx(ctx context.Context, fn func(tx *DB) error) error { return db.inTx(ctx, fn) }

// MapErr is mapErr, for tests that run statements of their own.
func MapErr(err error) error { return mapErr(err, "row") }

// MigrateTo applies the embedded migrations up to version (down to it
// when the database is newer), for tests of one migration's data changes.
func (db *DB) MigrateTo(ctx context.Context, version int64) error {
	sqlDB := stdlib.OpenDBFromPool(db.pool)
	defer sqlDB.Close()
	dir, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, sqlDB, dir, goose.WithLogger(goose.NopLogger()))
	if err != nil {
		return err
	}
	current, err := provider.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if current > version {
		_, err = provider.DownTo(ctx, version)
		return err
	}
	_, err = provider.UpTo(ctx, version)
	return err
}

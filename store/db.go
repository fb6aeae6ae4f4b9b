// Package store keeps Labforge's entities in PostgreSQL: desired state and
// last observed state. Every method returns domain errors (see errors.go),
// so callers switch on domain.Kind, never on PostgreSQL codes.
package store

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/labforge/labforge/domain"
)

// querier is what repositories run statements on: the pool, or the
// transaction of an inTx call.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

var (
	_ querier = (*pgxpool.Pool)(nil)
	_ querier = (pgx.Tx)(nil)
)

// DB is the PostgreSQL store. Its methods are safe for concurrent use,
// except on the *DB an inTx callback receives, which belongs to that
// callback.
type DB struct {
	pool *pgxpool.Pool
	q    querier
	log  *slog.Logger
}

// Option configures Open.
type Option func(*DB)

// WithLogger sets the logger for migrations and other store messages.
func WithLogger(l *slog.Logger) Option { return func(db *DB) { db.log = l } }

// Open connects to the database at url with at most maxConns connections
// (0 keeps pgx's default) and checks that it answers. The error names the
// server (without password) so that a user knows which setting to fix.
func Open(ctx context.Context, url string, maxConns int32, opts ...Option) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, domain.Wrap(err, domain.KindInvalid, "the PostgreSQL URL is not valid")
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	db := &DB{pool: pool, q: poolOrTx{pool}, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(db)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		where := fmt.Sprintf("%s@%s:%d/%s", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database)
		return nil, domain.Wrap(err, domain.KindUnavailable, "cannot reach PostgreSQL at "+where)
	}
	return db, nil
}

// Close closes every connection. Call it on the DB Open returned, once.
func (db *DB) Close() { db.pool.Close() }

// Ping checks that the database answers, for readiness probes.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return domain.Wrap(err, domain.KindUnavailable, "PostgreSQL does not answer")
	}
	return nil
}

// Pool returns the underlying connection pool.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// inTx runs fn in one transaction: every store method called on the *DB
// fn receives takes part in it. The transaction commits when fn returns nil
// and rolls back otherwise; fn's error is returned unchanged. Called inside
// another inTx, it runs in a savepoint of the outer transaction.
func (db *DB) inTx(ctx context.Context, fn func(tx *DB) error) error {
	tx, err := db.q.Begin(ctx)
	if err != nil {
		return mapErr(err, "")
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if err := fn(&DB{pool: db.pool, q: tx, log: db.log}); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return mapErr(err, "")
	}
	return nil
}

package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// txKey is the context key of the transaction Audited runs a change in.
type txKey struct{}

// withTx returns ctx carrying tx: statements a DB from Open runs with the
// returned context run in tx.
func withTx(ctx context.Context, tx querier) context.Context {
	return context.WithValue(ctx, txKey{}, tx)
}

// poolOrTx is the querier of the DB Open returns: each statement runs in
// the transaction its context carries (see withTx), if any, and on the
// pool otherwise. This is what lets Audited put the store calls of an
// API handler, made through the domain interfaces, into one transaction
// without those methods knowing: every querier method takes the
// statement's context. A Begin under such a context starts a savepoint,
// as a nested inTx does.
type poolOrTx struct{ pool *pgxpool.Pool }

var _ querier = poolOrTx{}

func (p poolOrTx) on(ctx context.Context) querier {
	if tx, ok := ctx.Value(txKey{}).(querier); ok {
		return tx
	}
	return p.pool
}

func (p poolOrTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return p.on(ctx).Exec(ctx, sql, args...)
}

func (p poolOrTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return p.on(ctx).Query(ctx, sql, args...)
}

func (p poolOrTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return p.on(ctx).QueryRow(ctx, sql, args...)
}

func (p poolOrTx) Begin(ctx context.Context) (pgx.Tx, error) { return p.on(ctx).Begin(ctx) }

func (p poolOrTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return p.on(ctx).SendBatch(ctx, b)
}

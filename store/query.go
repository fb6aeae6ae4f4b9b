package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

// rowScanner is a single row: pgx.Row or pgx.CollectableRow.
type rowScanner interface {
	Scan(dest ...any) error
}

// collect scans every row with scan and closes rows.
func collect[T any](rows pgx.Rows, scan func(rowScanner) (T, error)) ([]T, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
}

// conds builds a WHERE clause with numbered placeholders.
type conds struct {
	where []string
	args  []any
}

// arg adds a query argument and returns its placeholder.
func (c *conds) arg(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(len(c.args))
}

// add appends a condition; each %s in format becomes the placeholder of
// the matching value.
func (c *conds) add(format string, vals ...any) {
	ph := make([]any, len(vals))
	for i, v := range vals {
		ph[i] = c.arg(v)
	}
	c.where = append(c.where, fmt.Sprintf(format, ph...))
}

// sql returns " WHERE ..." or "".
func (c *conds) sql() string {
	if len(c.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.where, " AND ")
}

// nullID stores uuid.Nil as NULL.
func nullID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

// nullText stores "" as NULL.
func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// quote renders a user-supplied name for a message.
func quote(s string) string { return strconv.Quote(s) }

// deleteObject deletes the row of table whose id is id, together with the
// permissions granted on it as objectType. It returns KindNotFound when
// there is no such row and KindConflict while other rows reference it.
func (db *DB) deleteObject(ctx context.Context, table, objectType string, id uuid.UUID) error {
	subject := objectType + " " + id.String()
	return db.inTx(ctx, func(tx *DB) error {
		tag, err := tx.q.Exec(ctx, `DELETE FROM `+table+` WHERE id = $1`, id)
		if err != nil {
			return mapDeleteErr(err, subject)
		}
		if tag.RowsAffected() == 0 {
			return domain.NotFoundf("%s not found", subject)
		}
		return tx.revokeObject(ctx, objectType, id)
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

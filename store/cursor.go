package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// cursor is the keyset position after the last row of a page. Each list
// fills the fields of its sort order; clients see it only as an opaque
// base64 string.
type cursor struct {
	S  string    `json:"s,omitempty"`
	S2 string    `json:"s2,omitempty"`
	N  int64     `json:"n,omitempty"`
	T  time.Time `json:"t,omitzero"`
	ID uuid.UUID `json:"id,omitzero"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor a previous page returned. ok is false for
// the first page (""); a malformed cursor is KindInvalid.
func decodeCursor(s string) (c cursor, ok bool, err error) {
	if s == "" {
		return cursor{}, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil {
		return cursor{}, false, &domain.Error{
			Kind:    domain.KindInvalid,
			Message: "the request has invalid fields",
			Fields:  map[string]string{"cursor": "must be the next_cursor of a previous page"},
		}
	}
	return c, true, nil
}

// trimPage cuts items (fetched with limit+1) to limit and returns the
// cursor of the next page, or "" when there is none.
func trimPage[T any](items []T, limit int, next func(*T) cursor) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, next(&items[limit-1]).encode()
}

// listQuery describes one keyset-paginated list: where rows come from, how
// they are ordered, and how a row maps to the cursor of the next page.
type listQuery[T any] struct {
	from    string // table, with its alias if the columns use one
	columns string
	orderBy string
	// after adds the condition that starts a page after the cursor's row.
	after func(c *conds, at cursor)
	scan  func(rowScanner) (T, error)
	key   func(*T) cursor
	what  string // names the objects in error messages
}

// list returns one page of q's rows matching the filter conditions in c,
// and the cursor of the next page ("" at the end).
func list[T any](ctx context.Context, db *DB, q listQuery[T], c conds, page domain.Page) ([]T, string, error) {
	page = page.Normalize()
	at, ok, err := decodeCursor(page.Cursor)
	if err != nil {
		return nil, "", err
	}
	if ok {
		q.after(&c, at)
	}
	rows, err := db.q.Query(ctx, `SELECT `+q.columns+` FROM `+q.from+c.sql()+
		` ORDER BY `+q.orderBy+` LIMIT `+c.arg(page.Limit+1), c.args...)
	if err != nil {
		return nil, "", mapErr(err, q.what)
	}
	items, err := collect(rows, q.scan)
	if err != nil {
		return nil, "", mapErr(err, q.what)
	}
	items, next := trimPage(items, page.Limit, q.key)
	return items, next, nil
}

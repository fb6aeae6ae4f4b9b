package store

import (
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

package domain

// Page asks for one page of a list. Cursor is opaque: pass back the
// NextCursor of the previous page, or "" for the first page.
type Page struct {
	Limit  int
	Cursor string
}

// DefaultPageLimit and MaxPageLimit bound every list.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 500
)

// Normalize fills in the default limit and caps it at the maximum.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultPageLimit
	}
	if p.Limit > MaxPageLimit {
		p.Limit = MaxPageLimit
	}
	return p
}

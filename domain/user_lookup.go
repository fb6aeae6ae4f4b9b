package domain

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// UserSummary is what someone who adds people to events may see of a
// user: enough to tell users apart, and no e-mail, roles or other
// personal data.
type UserSummary struct {
	ID          uuid.UUID `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
}

// Bounds of a user lookup: the length of its text, in characters, and
// how many users it returns.
const (
	MinUserLookupQuery     = 2
	MaxUserLookupQuery     = 100
	DefaultUserLookupLimit = 10
	MaxUserLookupLimit     = 50
)

// UserLookup asks for at most Limit enabled users whose username,
// display name or e-mail address starts with Query.
type UserLookup struct {
	Query string
	Limit int
}

// NewUserLookup returns the lookup of query without the spaces around it,
// for DefaultUserLookupLimit users.
func NewUserLookup(query string) UserLookup {
	return UserLookup{Query: strings.TrimSpace(query), Limit: DefaultUserLookupLimit}
}

// Validate checks that Query has MinUserLookupQuery to MaxUserLookupQuery
// characters and Limit is from 1 to MaxUserLookupLimit.
func (l UserLookup) Validate() error {
	var v Validator
	n := utf8.RuneCountInString(l.Query)
	v.Check(n >= MinUserLookupQuery && n <= MaxUserLookupQuery, "q",
		fmt.Sprintf("must be %d to %d characters, not counting spaces around them", MinUserLookupQuery, MaxUserLookupQuery))
	v.Check(l.Limit >= 1 && l.Limit <= MaxUserLookupLimit, "limit",
		fmt.Sprintf("must be a whole number from 1 to %d", MaxUserLookupLimit))
	return v.Err()
}

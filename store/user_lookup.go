package store

import (
	"context"
	"strings"

	"github.com/labforge/labforge/domain"
)

// likeEscaper makes text literal in a LIKE pattern whose escape character
// is the backslash.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// LookupUsers returns at most l.Limit enabled users whose username,
// display name (or a word in it) or e-mail address starts with l.Query,
// case-insensitively and literally: the user named exactly l.Query first,
// then those whose username starts with it, then the others, each by
// username.
func (db *DB) LookupUsers(ctx context.Context, l domain.UserLookup) ([]domain.UserSummary, error) {
	// $1 is the literal prefix; a word of the display name starts after a space.
	rows, err := db.q.Query(ctx, `
		SELECT u.id, u.username, u.display_name
		FROM users u
		WHERE NOT u.disabled AND (
			lower(u.username) LIKE (lower($1) || '%') ESCAPE '\'
			OR lower(u.email) LIKE (lower($1) || '%') ESCAPE '\'
			OR (' ' || lower(u.display_name)) LIKE ('% ' || lower($1) || '%') ESCAPE '\')
		ORDER BY lower(u.username) = lower($2) DESC,
			lower(u.username) LIKE (lower($1) || '%') ESCAPE '\' DESC,
			u.username
		LIMIT $3`, likeEscaper.Replace(l.Query), l.Query, l.Limit)
	if err != nil {
		return nil, mapErr(err, "users")
	}
	users, err := collect(rows, func(r rowScanner) (domain.UserSummary, error) {
		var u domain.UserSummary
		err := r.Scan(&u.ID, &u.Username, &u.DisplayName)
		return u, err
	})
	return users, mapErr(err, "users")
}

package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// lookupNames returns the usernames LookupUsers finds for q, in order.
func lookupNames(ctx context.Context, t *testing.T, db *store.DB, q string, limit int) []string {
	t.Helper()
	users, err := db.LookupUsers(ctx, domain.UserLookup{Query: q, Limit: limit})
	require.NoError(t, err)
	names := make([]string, 0, len(users))
	for _, u := range users {
		require.NotZero(t, u.ID)
		names = append(names, u.Username)
	}
	return names
}

// TestLookupUsers finds enabled users by the start of their username,
// display name (or a word in it) or e-mail address, best matches first.
func TestLookupUsers(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	add := func(username, email, displayName string, disabled bool) {
		u := &domain.User{Username: username, Email: email, DisplayName: displayName, Disabled: disabled,
			Source: domain.AuthLocal, Roles: []string{domain.RoleParticipant}}
		require.NoError(t, db.CreateUser(ctx, u))
	}
	add("ann", "ann@example.org", "", false)
	add("aaron", "aaron@example.org", "Annabel Jones", false)
	add("anna.k", "k@example.org", "Anna Smith", false)
	add("bob", "annika@example.org", "Robert", false)
	add("zed", "zed@example.org", "Joanna Ann-Marie", false)
	add("carl", "carl@example.org", "Carl Anders", false)
	add("annex", "annex@example.org", "Gone", true)
	add("a_b", "ab@example.org", "Under Score", false)
	add("axb", "axb@example.org", "", false)
	add("pct", "p@example.org", "100% Sure", false)
	add("slash", "s@example.org", `Back\slash`, false)

	for _, tc := range []struct {
		name  string
		q     string
		limit int
		want  []string
	}{
		{"exact username, then username prefix, then the others by username", "ann", 10, []string{"ann", "anna.k", "aaron", "bob", "zed"}},
		{"case does not matter", "ANN", 10, []string{"ann", "anna.k", "aaron", "bob", "zed"}},
		{"username prefix", "ca", 10, []string{"carl"}},
		{"e-mail prefix", "annik", 10, []string{"bob"}},
		{"display name prefix", "rob", 10, []string{"bob"}},
		{"word of the display name", "smith", 10, []string{"anna.k"}},
		{"word of the display name, any case", "AND", 10, []string{"carl"}},
		{"not inside a word", "nna", 10, []string{}},
		{"disabled users are left out", "annex", 10, []string{}},
		{"the limit", "ann", 3, []string{"ann", "anna.k", "aaron"}},
		{"underscore is literal", "a_", 10, []string{"a_b"}},
		{"percent is literal", "100%", 10, []string{"pct"}},
		{"a lone percent matches no one", "%", 10, []string{}},
		{"backslash is literal", `back\`, 10, []string{"slash"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, lookupNames(ctx, t, db, tc.q, tc.limit))
		})
	}
}

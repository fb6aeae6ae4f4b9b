package store

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

func TestKeyValues(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"ada"}, keyValues(`Key (username)=(ada) already exists.`))
	require.Equal(t, []string{"a, b"}, keyValues(`Key (name)=(a, b) already exists.`), "one column takes the whole value")
	require.Equal(t, []string{"s", "10.0.0.5"}, keyValues(`Key (site_id, ip)=(s, 10.0.0.5) already exists.`))
	require.Equal(t, []string{"bogus"}, keyValues(`Key (role)=(bogus) is not present in table "roles".`))
	require.Nil(t, keyValues(`Schlüssel »(username)=(ada)« existiert bereits.`))
	require.Nil(t, keyValues(`Key (a, b)=(x, y, z) already exists.`), "ambiguous values are not guessed")
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	pg := func(code, constraint, detail string) error {
		return &pgconn.PgError{Code: code, ConstraintName: constraint, Detail: detail}
	}
	cases := []struct {
		name     string
		err      error
		deleting bool
		kind     domain.Kind
		msg      string
	}{
		{"no rows", pgx.ErrNoRows, false, domain.KindNotFound, "thing 1 not found"},
		{"unique", pg("23505", "users_username_key", "Key (username)=(ada) already exists."), false, domain.KindConflict, `username "ada" is already taken`},
		{"unique, localized", pg("23505", "users_username_key", "Schlüssel existiert bereits"), false, domain.KindConflict, "the username is already taken"},
		{"unique, unknown", pg("23505", "mystery_key", ""), false, domain.KindConflict, "the object already exists"},
		{"fk on insert", pg("23503", "user_roles_role_fkey", `Key (role)=(x) is not present in table "roles".`), false, domain.KindInvalid, `role "x" does not exist`},
		{"fk on delete", pg("23503", "vms_owner_id_fkey", `Key (id)=(u1) is still referenced from table "vms".`), true, domain.KindConflict, "user u1 still owns VMs"},
		{"check", pg("23514", "events_schedule_check", ""), false, domain.KindInvalid, "the request has invalid fields"},
		{"not null", &pgconn.PgError{Code: "23502", ColumnName: "name"}, false, domain.KindInvalid, "the request has invalid fields"},
		{"bad value", &pgconn.PgError{Code: "22P02", Message: "invalid input syntax for type inet"}, false, domain.KindInvalid, "a value is not valid: invalid input syntax for type inet"},
		{"serialization", pg("40001", "", ""), false, domain.KindUnavailable, ""},
		{"shutdown", pg("57P01", "", ""), false, domain.KindUnavailable, ""},
		{"other", errors.New("weird"), false, domain.KindInternal, "database error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := translate(c.err, "thing 1", c.deleting)
			require.Equal(t, c.kind, domain.KindOf(err), "%v", err)
			var de *domain.Error
			require.ErrorAs(t, err, &de)
			if c.msg != "" {
				require.Equal(t, c.msg, de.Message)
			}
			require.ErrorIs(t, err, c.err, "the cause is kept for logs")
		})
	}
	require.NoError(t, translate(nil, "x", false))
	already := domain.Conflictf("taken")
	require.Same(t, already, translate(already, "x", false))
}

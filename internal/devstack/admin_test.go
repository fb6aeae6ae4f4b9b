package devstack

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/app"
)

func TestRecordAdmin(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, passwordFile)

	// Generated on first start: printed and kept.
	l, err := recordAdmin(dir, "admin", &app.AdminCredentials{Username: "admin", Password: "generated-secret"}, false)
	require.NoError(t, err)
	require.Equal(t, "generated-secret", l.Password)
	require.Contains(t, l.Source, "generated on first start and kept in "+file)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, "generated-secret\n", string(b))
	require.Contains(t, loginCommand("http://api", l), `"password":"generated-secret"`)

	// Later starts print it again; a variable set since does not apply.
	l, err = recordAdmin(dir, "admin", nil, false)
	require.NoError(t, err)
	require.Equal(t, "generated-secret", l.Password)
	l, err = recordAdmin(dir, "admin", nil, true)
	require.NoError(t, err)
	require.Equal(t, "generated-secret", l.Password)
	require.Contains(t, l.Source, passwordVariable+" applies only to a new admin")

	// Created with the configured password: never printed, and the stale
	// generated one is gone.
	l, err = recordAdmin(dir, "admin", &app.AdminCredentials{Username: "admin"}, true)
	require.NoError(t, err)
	require.Empty(t, l.Password)
	require.Equal(t, "(the configured "+passwordVariable+")", l.Source)
	require.NoFileExists(t, file)
	require.Contains(t, loginCommand("http://api", l), `"password\":\"$`+passwordVariable+`\"`)

	l, err = recordAdmin(dir, "admin", nil, true)
	require.NoError(t, err)
	require.Empty(t, l.Password)
	require.Contains(t, l.Source, "the configured "+passwordVariable+", if it was set when this admin")

	l, err = recordAdmin(dir, "admin", nil, false)
	require.NoError(t, err)
	require.Empty(t, l.Password)
	require.Contains(t, l.Source, "the password this admin was created with")
	require.Contains(t, loginCommand("http://api", l), `"password":"<password>"`)
}

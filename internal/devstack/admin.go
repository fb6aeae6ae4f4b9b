package devstack

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/labforge/labforge/internal/app"
)

// passwordVariable sets the first administrator's password.
const passwordVariable = "LABFORGE_BOOTSTRAP_ADMIN_PASSWORD"

// passwordFile keeps, in the data directory, the password generated for
// the first administrator when passwordVariable was not set.
const passwordFile = "admin-password"

// adminLogin is how the banner tells the developer to sign in.
type adminLogin struct {
	Username string
	// Password is printed; empty when it is not known or comes from
	// passwordVariable, which is never printed.
	Password string
	// Source says where the password comes from, in one or two lines.
	Source string
	// Configured says whether passwordVariable is set.
	Configured bool
}

// recordAdmin returns how to sign in as the first administrator, given
// what app.Platform.EnsureAdmin returned (nil when an admin existed) and
// whether passwordVariable is set. A generated password is kept in the
// data directory, so that later starts can print it again; the file is
// removed when the admin was created with the configured password, so
// that it never describes another account.
func recordAdmin(dataDir, username string, created *app.AdminCredentials, configured bool) (adminLogin, error) {
	file := filepath.Join(dataDir, passwordFile)
	l := adminLogin{Username: username, Configured: configured}
	switch {
	case created != nil && created.Password != "":
		if err := os.WriteFile(file, []byte(created.Password+"\n"), 0o600); err != nil {
			return l, fmt.Errorf("keep the generated admin password in %s: %w", file, err)
		}
		l.Password = created.Password
		l.Source = "(generated on first start and kept in " + file + ";\n" +
			"                    if you change the password, use yours)"
		return l, nil
	case created != nil:
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return l, fmt.Errorf("remove the stale %s: %w", file, err)
		}
		l.Source = "(the configured " + passwordVariable + ")"
		return l, nil
	}
	kept, err := readSecret(file)
	if err != nil {
		return l, err
	}
	switch {
	case kept != "" && configured:
		l.Password = kept
		l.Source = "(generated when this admin was created and kept in " + file + ";\n" +
			"                    " + passwordVariable + " applies only to a new admin)"
	case kept != "":
		l.Password = kept
		l.Source = "(generated on first start and kept in " + file + ";\n" +
			"                    if you changed the password since, use yours)"
	case configured:
		l.Source = "(the configured " + passwordVariable + ", if it was set when this admin\n" +
			"                    was created; if you changed the password since, use yours)"
	default:
		l.Source = "(the password this admin was created with; it is not kept in " + dataDir + ")"
	}
	return l, nil
}

// readSecret returns the secret in path, or "" if there is no such file.
func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return strings.TrimSpace(string(b)), nil
}

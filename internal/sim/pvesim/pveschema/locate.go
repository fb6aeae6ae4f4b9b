package pveschema

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// EnvSchemaPath names the environment variable that points at the schema file.
const EnvSchemaPath = "LABFORGE_PVE_SCHEMA"

// relSchemaPath is where the schema lives relative to a directory that holds
// a "shared" checkout (CI checks out the repository with ../shared beside it).
const relSchemaPath = "shared/reference/pve-9.1-api-schema.json"

// ErrNotFound reports that no schema file could be located.
var ErrNotFound = errors.New("PVE API schema not found")

// DefaultPath returns the schema location: $LABFORGE_PVE_SCHEMA if set, else
// the first shared/reference/pve-9.1-api-schema.json found walking up from the
// working directory. It returns an error wrapping ErrNotFound, saying where it
// looked and how to set LABFORGE_PVE_SCHEMA, if there is none.
func DefaultPath() (string, error) {
	if p := os.Getenv(EnvSchemaPath); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%w: %s=%q: %v", ErrNotFound, EnvSchemaPath, p, err)
		}
		return p, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("%w: cannot get working directory: %v", ErrNotFound, err)
	}
	for dir := wd; ; {
		p := filepath.Join(dir, relSchemaPath)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("%w: looked for %s in %s and every parent directory; set %s to the file's path",
		ErrNotFound, relSchemaPath, wd, EnvSchemaPath)
}

var (
	defaultOnce   sync.Once
	defaultSchema *Schema
	defaultErr    error
)

// LoadDefault is Load(DefaultPath()), done once per process; every call
// returns the same *Schema (or the same error).
func LoadDefault() (*Schema, error) {
	defaultOnce.Do(func() {
		p, err := DefaultPath()
		if err != nil {
			defaultErr = err
			return
		}
		defaultSchema, defaultErr = Load(p)
	})
	return defaultSchema, defaultErr
}

package pveschema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultPathFromEnvironment(t *testing.T) {
	f := filepath.Join(t.TempDir(), "schema.json")
	if err := os.WriteFile(f, []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvSchemaPath, f)
	if got, err := DefaultPath(); err != nil || got != f {
		t.Errorf("DefaultPath() = %q, %v; want %q", got, err, f)
	}
	t.Setenv(EnvSchemaPath, f+".missing")
	if _, err := DefaultPath(); !errors.Is(err, ErrNotFound) {
		t.Errorf("DefaultPath() with a missing file = %v, want ErrNotFound", err)
	}
}

func TestDefaultPathWalksUp(t *testing.T) {
	t.Setenv(EnvSchemaPath, "")
	root := t.TempDir()
	want := filepath.Join(root, relSchemaPath)
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "main", "internal", "sim")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deep)
	got, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if !sameFile(t, got, want) {
		t.Errorf("DefaultPath() = %q, want %q", got, want)
	}
}

func TestDefaultPathNotFoundSaysWhatToDo(t *testing.T) {
	t.Setenv(EnvSchemaPath, "")
	dir := t.TempDir()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, relSchemaPath)); err == nil {
			t.Skipf("%s holds %s, so no directory below it lacks the schema", d, relSchemaPath)
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	t.Chdir(dir)
	_, err := DefaultPath()
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("DefaultPath() = %v, want ErrNotFound", err)
	}
	if msg := err.Error(); !strings.Contains(msg, EnvSchemaPath) || !strings.Contains(msg, relSchemaPath) {
		t.Errorf("error %q does not say where it looked and how to set %s", msg, EnvSchemaPath)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil {
		t.Error("Load accepted malformed JSON")
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("Load accepted a missing file")
	}
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	ai, err1 := os.Stat(a)
	bi, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(ai, bi)
}

package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
)

// debianGlob is where Debian and Ubuntu install the server binaries of each
// PostgreSQL major version; they are not on PATH there. Tests replace it.
var debianGlob = "/usr/lib/postgresql/*/bin"

// ErrBinariesNotFound is matched (errors.Is) by every error Start returns
// because initdb or postgres could not be found.
var ErrBinariesNotFound = errors.New("PostgreSQL server binaries not found")

// BinaryNotFoundError names the missing program and where it was looked for.
// Its message is one sentence a user can act on.
type BinaryNotFoundError struct {
	Name     string // "initdb" or "postgres"
	Searched string // where it was looked for: "on PATH nor in /usr/lib/postgresql/*/bin" or "in DIR"
}

func (e *BinaryNotFoundError) Error() string {
	return fmt.Sprintf("%s: %q is not %s; install them (Debian: apt-get install postgresql) "+
		"or point LABFORGE_DATABASE_URL at an existing server", ErrBinariesNotFound, e.Name, e.Searched)
}

// Is reports whether target is ErrBinariesNotFound.
func (e *BinaryNotFoundError) Is(target error) bool { return target == ErrBinariesNotFound }

// binaries are the absolute paths of the programs a cluster needs.
type binaries struct {
	initdb   string
	postgres string
}

// findBinaries locates initdb and postgres. With binDir set only that
// directory is searched. Otherwise PATH is searched first, then the newest
// /usr/lib/postgresql/*/bin; postgres is taken from initdb's directory when
// it is there, so that both come from the same installation.
func findBinaries(binDir string) (binaries, error) {
	if binDir != "" {
		var b binaries
		for _, p := range []struct {
			name string
			dst  *string
		}{{"initdb", &b.initdb}, {"postgres", &b.postgres}} {
			path := filepath.Join(binDir, p.name)
			if !isExecutable(path) {
				return binaries{}, &BinaryNotFoundError{Name: p.name, Searched: "in " + binDir}
			}
			*p.dst = path
		}
		return b, nil
	}
	initdb, err := lookup("initdb")
	if err != nil {
		return binaries{}, err
	}
	if sibling := filepath.Join(filepath.Dir(initdb), "postgres"); isExecutable(sibling) {
		return binaries{initdb: initdb, postgres: sibling}, nil
	}
	postgres, err := lookup("postgres")
	if err != nil {
		return binaries{}, err
	}
	return binaries{initdb: initdb, postgres: postgres}, nil
}

// lookup finds name on PATH or in the newest Debian version directory and
// returns its path with symbolic links resolved.
func lookup(name string) (string, error) {
	if path, err := exec.LookPath(name); err == nil {
		return resolve(path)
	}
	dirs, _ := filepath.Glob(debianGlob)
	sort.Slice(dirs, func(i, j int) bool { return majorVersion(dirs[i]) > majorVersion(dirs[j]) })
	for _, dir := range dirs {
		if path := filepath.Join(dir, name); isExecutable(path) {
			return resolve(path)
		}
	}
	return "", &BinaryNotFoundError{Name: name, Searched: "on PATH nor in " + debianGlob}
}

func resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// majorVersion reads 15 from /usr/lib/postgresql/15/bin; unknown is -1.
func majorVersion(binDir string) int {
	v, err := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	if err != nil {
		return -1
	}
	return v
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

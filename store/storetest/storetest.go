// Package storetest gives every test its own migrated PostgreSQL database.
//
// The first call in a test binary starts a throw-away cluster from the
// local PostgreSQL binaries (internal/pgcluster, in a temporary directory,
// durability off) and migrates a template database once; each test then
// gets a fresh copy of the template, dropped when the test ends. With
// LABFORGE_TEST_DATABASE_URL set, that server is used instead.
//
// A package using it calls Main from TestMain, so that the cluster stops
// and its directory is removed when the tests end:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
package storetest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/secrets"
	"github.com/labforge/labforge/store"
)

// EnvURL names the variable that points tests at an existing server, as a
// postgres:// URL of a role allowed to create databases.
const EnvURL = "LABFORGE_TEST_DATABASE_URL"

// KeyID is the id of Keyring's key.
const KeyID = "storetest"

// Keyring is the keyring of the stores New returns: it seals the node
// token secrets they write.
func Keyring(t testing.TB) *secrets.Keyring {
	t.Helper()
	k, err := secrets.NewKey(KeyID, []byte("storetest-key-of-thirty-two-byte"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := secrets.NewKeyring(k)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// New returns a store on a fresh, migrated database of its own, closed and
// dropped when the test ends; it seals secrets with Keyring.
func New(t testing.TB) *store.DB {
	t.Helper()
	url := NewDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := store.Open(ctx, url, 10, store.WithKeyring(Keyring(t)))
	if err != nil {
		t.Fatalf("storetest: open the test database: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

// NewDatabase creates a fresh, migrated database for the test and returns
// its postgres:// URL, for tests that connect on their own (an API server
// under test). The database is dropped when the test ends, disconnecting
// whoever is still connected.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, (*server).createDatabase)
}

// NewEmptyDatabase creates an empty, unmigrated database for the test
// and returns its URL, for tests of migrations themselves. It is dropped
// when the test ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, (*server).createEmptyDatabase)
}

func newDatabase(t testing.TB, create func(*server, context.Context) (string, error)) string {
	t.Helper()
	s, err := shared()
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name, err := create(s, ctx)
	if err != nil {
		t.Fatalf("storetest: create a test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.dropDatabase(ctx, name); err != nil {
			t.Errorf("storetest: drop test database %s: %v", name, err)
		}
	})
	return s.urlOf(name)
}

// URL is NewDatabase under the name call sites that only need a
// connection string read best with.
func URL(t testing.TB) string {
	t.Helper()
	return NewDatabase(t)
}

// Main runs the tests, stops the shared cluster (if one was started) and
// exits with the tests' status. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if err := Shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

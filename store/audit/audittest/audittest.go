// Package audittest gives tests a real MongoDB-protocol server for the audit
// store: embedded FerretDB (SQLite in a temporary directory), started once
// per test binary, or the server named by LABFORGE_TEST_MONGO_URI. Every
// test gets its own database, dropped when the test ends.
package audittest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/labforge/labforge/internal/ferret"
	"github.com/labforge/labforge/store/audit"
)

// EnvURI names the environment variable that points the tests at an
// existing MongoDB (or FerretDB) instead of an embedded one.
const EnvURI = "LABFORGE_TEST_MONGO_URI"

// Retention is what New opens stores with: long enough that nothing a test
// writes expires while it runs.
var Retention = audit.Retention{Audit: 24 * time.Hour, Activity: 24 * time.Hour, SystemEvents: 24 * time.Hour}

var shared struct {
	once   sync.Once
	uri    string
	dir    string
	server *ferret.Server
	err    error
}

// URI returns the mongodb:// URI of the test server, starting embedded
// FerretDB on first use. It fails t if the server cannot be started.
func URI(t testing.TB) string {
	t.Helper()
	shared.once.Do(start)
	if shared.err != nil {
		t.Fatalf("audittest: %v", shared.err)
	}
	return shared.uri
}

func start() {
	if uri := os.Getenv(EnvURI); uri != "" {
		shared.uri = uri
		return
	}
	dir, err := os.MkdirTemp("", "labforge-ferretdb-")
	if err != nil {
		shared.err = fmt.Errorf("cannot create a directory for FerretDB: %w", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := ferret.Start(ctx, ferret.Options{Dir: dir, Addr: "127.0.0.1:0", Logger: logger})
	if err != nil {
		_ = os.RemoveAll(dir)
		shared.err = err
		return
	}
	shared.dir, shared.server, shared.uri = dir, s, s.URI()
}

// Main runs the tests and then stops the embedded server and removes its
// files. Call it from TestMain: func TestMain(m *testing.M) { audittest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	Shutdown()
	os.Exit(code)
}

// Shutdown stops the embedded server, if one was started, and removes its
// files. Test binaries that combine several harnesses call it from their
// own TestMain after m.Run.
func Shutdown() {
	if shared.server != nil {
		shared.server.Stop()
		_ = os.RemoveAll(shared.dir)
		shared.server = nil
	}
}

// Database returns a fresh database name for t on the test server and drops
// that database when t ends.
func Database(t testing.TB) string {
	t.Helper()
	uri := URI(t)
	name := databaseName(t.Name())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		client, err := mongo.Connect(options.Client().ApplyURI(uri))
		if err != nil {
			t.Errorf("audittest: connecting to drop database %s: %v", name, err)
			return
		}
		defer func() { _ = client.Disconnect(ctx) }()
		if err := client.Database(name).Drop(ctx); err != nil {
			t.Errorf("audittest: dropping database %s: %v", name, err)
		}
	})
	return name
}

// New opens an audit store on a fresh database of the test server with
// Retention, and closes it and drops the database when t ends.
func New(t testing.TB) *audit.Store {
	t.Helper()
	uri := URI(t)
	db := Database(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := audit.Open(ctx, uri, db, Retention)
	if err != nil {
		t.Fatalf("audittest: opening the audit store: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Close(ctx)
	})
	return s
}

var unsafeChars = regexp.MustCompile(`[^a-zA-Z0-9_]+`)

// databaseName makes a database name from a test name that is unique, at
// most 63 characters and valid for both MongoDB and FerretDB.
func databaseName(testName string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	base := strings.Trim(unsafeChars.ReplaceAllString(testName, "_"), "_")
	if len(base) > 48 {
		base = base[:48]
	}
	return "t_" + base + "_" + hex.EncodeToString(b)
}

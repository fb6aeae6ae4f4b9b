package store_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestConcurrentMigrationsApplyTheSchemaOnce(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	url := storetest.NewEmptyDatabase(t)

	// Two pools stand for two processes starting at once.
	dbs := make([]*store.DB, 2)
	for i := range dbs {
		db, err := store.Open(ctx, url, 4)
		require.NoError(t, err)
		t.Cleanup(db.Close)
		dbs[i] = db
	}
	errs := make([]error, len(dbs))
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { errs[i] = db.Migrate(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	var applied int
	require.NoError(t, dbs[0].Pool().QueryRow(ctx,
		`SELECT count(*) FROM goose_db_version WHERE version_id = 1 AND is_applied`).Scan(&applied))
	require.Equal(t, 1, applied, "the first migration is recorded once")
	var roles int
	require.NoError(t, dbs[0].Pool().QueryRow(ctx, `SELECT count(*) FROM roles`).Scan(&roles))
	require.Equal(t, 3, roles, "seed rows are inserted once")

	version, err := dbs[1].SchemaVersion(ctx)
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	require.NoError(t, err)
	// The newest file's number, not the count of files: numbers may have
	// gaps while migrations are written on different branches.
	newest := 0
	for _, f := range files {
		n, err := strconv.Atoi(strings.SplitN(filepath.Base(f), "_", 2)[0])
		require.NoError(t, err, f)
		newest = max(newest, n)
	}
	require.EqualValues(t, newest, version, "every migration is applied")
	require.NoError(t, dbs[1].Migrate(ctx), "migrating an up-to-date database is a no-op")
}

func TestOpenNamesTheServerItCannotReach(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	_, err := store.Open(ctx, "postgres://labforge:secret@127.0.0.1:1/labforge?sslmode=disable&connect_timeout=2", 2)
	requireKind(t, err, "unavailable", "cannot reach PostgreSQL at labforge@127.0.0.1:1/labforge")
	require.NotContains(t, err.Error(), "secret")
}

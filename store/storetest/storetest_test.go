package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func exists(ctx context.Context, t *testing.T, url, table string) bool {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var ok bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&ok))
	return ok
}

func TestEachTestGetsItsOwnMigratedDatabase(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var first string
	var leftOpen *pgx.Conn
	t.Run("first", func(t *testing.T) {
		first = storetest.NewDatabase(t)
		require.True(t, exists(ctx, t, first, "users"), "the database is migrated")
		var err error
		leftOpen, err = pgx.Connect(ctx, first)
		require.NoError(t, err)
		_, err = leftOpen.Exec(ctx, `CREATE TABLE scratch (x int)`)
		require.NoError(t, err)
	})
	// The connection was still open when the subtest's database was dropped.
	defer leftOpen.Close(context.Background())
	second := storetest.URL(t)
	require.NotEqual(t, first, second)
	require.False(t, exists(ctx, t, second, "scratch"), "databases are independent")

	_, err := pgx.Connect(ctx, first)
	require.Error(t, err, "a test's database is dropped when it ends")

	empty := storetest.NewEmptyDatabase(t)
	require.False(t, exists(ctx, t, empty, "users"))

	db := storetest.New(t)
	require.NoError(t, db.Ping(ctx))
}

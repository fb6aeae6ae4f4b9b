package pgcluster

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

func testContext(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func start(ctx context.Context, t *testing.T, dataDir string) *Cluster {
	t.Helper()
	c, err := Start(ctx, Options{DataDir: dataDir, Fast: true, Logger: testLogger(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Stop() })
	return c
}

func query(ctx context.Context, t *testing.T, url, sql string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var out string
	require.NoError(t, conn.QueryRow(ctx, sql).Scan(&out))
	return out
}

func execSQL(ctx context.Context, t *testing.T, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	require.NoError(t, err)
}

func TestStartStopRestartKeepsData(t *testing.T) {
	ctx := testContext(t, 90*time.Second)
	dataDir := filepath.Join(t.TempDir(), "pgdata")

	c := start(ctx, t, dataDir)
	require.Contains(t, c.URL("postgres"), fmt.Sprintf("@127.0.0.1:%d/postgres?sslmode=disable", c.Port()))
	require.Equal(t, "off", query(ctx, t, c.URL("postgres"), "SHOW fsync"))
	require.Equal(t, "127.0.0.1", query(ctx, t, c.URL("postgres"), "SHOW listen_addresses"))
	require.Equal(t, dataDir+".sock", query(ctx, t, c.URL("postgres"), "SHOW unix_socket_directories"))
	require.NoError(t, c.CreateDatabase(ctx, "kept", ""))
	execSQL(ctx, t, c.URL("kept"), "CREATE TABLE marker AS SELECT 'still here'::text AS v")
	require.NoError(t, c.Stop())
	require.NoError(t, c.Stop(), "a second Stop is a no-op")
	_, err := os.Stat(filepath.Join(dataDir, "postmaster.pid"))
	require.ErrorIs(t, err, os.ErrNotExist, "a stopped server removes its lock file")

	again := start(ctx, t, dataDir)
	require.Equal(t, "still here", query(ctx, t, again.URL("kept"), "SELECT v FROM marker"))
	require.FileExists(t, dataDir+".log")
}

func TestLongDataDirGetsATemporarySocketDir(t *testing.T) {
	ctx := testContext(t, 60*time.Second)
	dataDir := filepath.Join(t.TempDir(), strings.Repeat("d", 100), "pgdata")
	c := start(ctx, t, dataDir)

	socketDir := query(ctx, t, c.URL("postgres"), "SHOW unix_socket_directories")
	require.NotEqual(t, dataDir+".sock", socketDir)
	require.LessOrEqual(t, len(socketDir+"/.s.PGSQL.65535"), maxSocketPath)
	require.NoError(t, c.Stop())
	require.NoDirExists(t, socketDir, "Stop removes a temporary socket directory")
}

func TestCreateDatabaseFromTemplate(t *testing.T) {
	ctx := testContext(t, 60*time.Second)
	c := start(ctx, t, filepath.Join(t.TempDir(), "pgdata"))

	require.NoError(t, c.CreateDatabase(ctx, "tmpl", ""))
	execSQL(ctx, t, c.URL("tmpl"), "CREATE TABLE t AS SELECT 42 AS v")
	require.NoError(t, c.CreateDatabase(ctx, "copy", "tmpl"))
	require.Equal(t, "42", query(ctx, t, c.URL("copy"), "SELECT v::text FROM t"))
	require.Error(t, c.CreateDatabase(ctx, "copy", "tmpl"), "the name is taken")
	require.NoError(t, c.DropDatabase(ctx, "copy"))
	require.NoError(t, c.DropDatabase(ctx, "copy"), "dropping a missing database is a no-op")
}

func TestStartAfterServerKilled(t *testing.T) {
	ctx := testContext(t, 90*time.Second)
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	c := start(ctx, t, dataDir)
	require.NoError(t, c.CreateDatabase(ctx, "kept", ""))

	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
	<-c.Done()
	require.FileExists(t, filepath.Join(dataDir, "postmaster.pid"), "a killed server leaves its lock file")
	require.Error(t, c.Stop(), "Stop reports that the server had died")

	again := start(ctx, t, dataDir)
	require.Equal(t, "1", query(ctx, t, again.URL("kept"), "SELECT 1::text"))
}

func TestStartRemovesLockOfReusedPID(t *testing.T) {
	ctx := testContext(t, 90*time.Second)
	dataDir := filepath.Join(t.TempDir(), "pgdata")
	c := start(ctx, t, dataDir)
	require.NoError(t, c.Stop())

	// A lock file naming a live process that is not a postgres (this test).
	lock := fmt.Sprintf("%d\n%s\n", os.Getpid(), dataDir)
	require.NoError(t, os.WriteFile(filepath.Join(dataDir, "postmaster.pid"), []byte(lock), 0o600))

	again := start(ctx, t, dataDir)
	require.Equal(t, "1", query(ctx, t, again.URL("postgres"), "SELECT 1::text"))
}

// TestServerStopsWhenParentDies starts a cluster from a child process,
// kills that process and checks that the server goes away with it and the
// data directory can be started again.
func TestServerStopsWhenParentDies(t *testing.T) {
	ctx := testContext(t, 120*time.Second)
	dataDir := filepath.Join(t.TempDir(), "pgdata")

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperCluster$")
	cmd.Env = append(os.Environ(), "PGCLUSTER_HELPER_DATADIR="+dataDir)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "the helper prints its port once the server is up")
	port, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "port ")))
	require.NoError(t, err, "helper said %q", line)

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=1", port)
	require.Eventually(t, func() bool {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			conn.Close(ctx)
		}
		return err != nil
	}, 30*time.Second, 100*time.Millisecond, "the orphaned server shuts down")

	again := start(ctx, t, dataDir)
	require.Equal(t, "1", query(ctx, t, again.URL("postgres"), "SELECT 1::text"))
}

// TestHelperCluster is the child process of TestServerStopsWhenParentDies.
func TestHelperCluster(t *testing.T) {
	dataDir := os.Getenv("PGCLUSTER_HELPER_DATADIR")
	if dataDir == "" {
		t.Skip("helper process only")
	}
	c, err := Start(context.Background(), Options{DataDir: dataDir, Fast: true})
	require.NoError(t, err)
	fmt.Printf("port %d\n", c.Port())
	time.Sleep(time.Minute)
}

func TestMissingBinaryIsOneSentence(t *testing.T) {
	ctx := testContext(t, 10*time.Second)
	empty := t.TempDir()

	_, err := Start(ctx, Options{DataDir: filepath.Join(t.TempDir(), "pgdata"), BinDir: empty})
	require.ErrorIs(t, err, ErrBinariesNotFound)
	require.Equal(t, `PostgreSQL server binaries not found: "initdb" is not in `+empty+
		`; install them (Debian: apt-get install postgresql) or point LABFORGE_DATABASE_URL at an existing server`, err.Error())

	t.Setenv("PATH", empty)
	old := debianGlob
	debianGlob = filepath.Join(empty, "*", "bin")
	t.Cleanup(func() { debianGlob = old })
	_, err = Start(ctx, Options{DataDir: filepath.Join(t.TempDir(), "pgdata")})
	require.ErrorIs(t, err, ErrBinariesNotFound)
	require.Contains(t, err.Error(), `"initdb" is not on PATH nor in `+debianGlob+"; install them")
}

func TestFindBinariesPrefersNewestVersion(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"9", "16", "13"} {
		dir := filepath.Join(root, v, "bin")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for _, name := range []string{"initdb", "postgres"} {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755))
		}
	}
	t.Setenv("PATH", t.TempDir())
	old := debianGlob
	debianGlob = filepath.Join(root, "*", "bin")
	t.Cleanup(func() { debianGlob = old })

	b, err := findBinaries("")
	require.NoError(t, err)
	require.Equal(t, filepath.Join(root, "16", "bin", "initdb"), b.initdb)
	require.Equal(t, filepath.Join(root, "16", "bin", "postgres"), b.postgres)
}

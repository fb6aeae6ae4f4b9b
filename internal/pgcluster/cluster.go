// Package pgcluster starts and stops a local PostgreSQL cluster from the
// installed server binaries (initdb, postgres), for the dev stack (which
// keeps its data directory between runs) and for tests (which throw theirs
// away). The server listens on 127.0.0.1 only, trusts every local
// connection and has the superuser postgres: it is not for production.
package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Superuser is the role every cluster started here has, with trust
// authentication on loopback.
const Superuser = "postgres"

// startTimeout bounds how long Start waits for a new server to accept
// connections when ctx has no earlier deadline.
const startTimeout = 60 * time.Second

// stopTimeout is how long Stop waits for a fast shutdown before it asks
// for an immediate one.
const stopTimeout = 60 * time.Second

// Options configure Start.
type Options struct {
	// DataDir holds the cluster. Start runs initdb only when it does not yet
	// hold one (no PG_VERSION), so a later Start reuses the data. The server
	// log goes beside it, to DataDir + ".log", and so does the Unix socket,
	// in DataDir + ".sock" (a temporary directory if that path is too long).
	DataDir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Fast turns off fsync, synchronous_commit and full_page_writes: a crash
	// may lose or corrupt data, which tests do not mind.
	Fast bool
	// BinDir, if set, is the only directory searched for initdb and
	// postgres; otherwise PATH, then the newest /usr/lib/postgresql/*/bin.
	BinDir string
}

// Cluster is a running PostgreSQL server this process started. The server
// is this process's child and receives a fast-shutdown signal if this
// process dies, so a crashed test or dev stack leaves no server behind.
type Cluster struct {
	dataDir   string
	logPath   string
	socketDir string
	// socketTemp says socketDir is a temporary directory Stop removes.
	socketTemp bool
	port       int
	log        *slog.Logger

	logFile *os.File
	cmd     *exec.Cmd
	exited  chan struct{}
	exitErr error

	stopOnce sync.Once
	stopErr  error
}

// Start initialises DataDir if needed, starts the server and returns once
// it accepts connections. When this process runs as root, initdb and
// postgres run as the postgres system user, which then owns DataDir.
// A missing binary gives an error matching ErrBinariesNotFound.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is required")
	}
	bins, err := findBinaries(opts.BinDir)
	if err != nil {
		return nil, err
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, err
	}
	own, err := serverOwner()
	if err != nil {
		return nil, err
	}
	if err := prepareDataDir(dataDir, own, log); err != nil {
		return nil, fmt.Errorf("prepare PostgreSQL data directory %s: %w", dataDir, err)
	}
	if err := initdb(ctx, bins, dataDir, own, opts.Fast, log); err != nil {
		return nil, err
	}
	if err := clearStaleLock(ctx, dataDir, log); err != nil {
		return nil, err
	}
	c := &Cluster{dataDir: dataDir, logPath: dataDir + ".log", log: log}
	if err := c.openLog(); err != nil {
		return nil, err
	}
	if c.socketDir, c.socketTemp, err = makeSocketDir(dataDir, own); err != nil {
		c.logFile.Close()
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		err = c.launch(ctx, bins, own, opts)
		if err == nil {
			log.Info("PostgreSQL started", "data_dir", dataDir, "port", c.port, "log", c.logPath)
			return c, nil
		}
		// A port picked as free may be taken before the server binds it, and
		// processes of a killed server take a moment to exit.
		retry := (errors.Is(err, errPortTaken) && opts.Port == 0) || errors.Is(err, errOldProcesses)
		if attempt >= 5 || !retry {
			c.release()
			return nil, err
		}
		log.Warn("PostgreSQL did not start; retrying", "error", err)
		select {
		case <-ctx.Done():
			c.release()
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
		}
	}
}

// URL returns the connection URL of database dbname as the superuser.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", Superuser, c.port, url.PathEscape(dbname))
}

// Port returns the TCP port the server listens on at 127.0.0.1.
func (c *Cluster) Port() int { return c.port }

// DataDir returns the absolute path of the data directory.
func (c *Cluster) DataDir() string { return c.dataDir }

// LogPath returns the server log file.
func (c *Cluster) LogPath() string { return c.logPath }

// Done is closed when the server process has exited, whether Stop asked it
// to or not.
func (c *Cluster) Done() <-chan struct{} { return c.exited }

// Stop shuts the server down the way pg_ctl stop -m fast does (SIGINT:
// roll back open transactions, disconnect clients, checkpoint) and waits
// for it to exit. It is safe to call more than once. It reports an error if
// the server had already exited abnormally.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() { c.stopErr = c.stop() })
	return c.stopErr
}

// release closes the log and removes a temporary socket directory.
func (c *Cluster) release() {
	c.logFile.Close()
	if c.socketTemp {
		os.RemoveAll(c.socketDir)
	}
}

func (c *Cluster) stop() error {
	defer c.release()
	select {
	case <-c.exited:
		if c.exitErr != nil {
			return fmt.Errorf("PostgreSQL had already exited: %w (see %s)", c.exitErr, c.logPath)
		}
		return nil
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop PostgreSQL: %w", err)
	}
	select {
	case <-c.exited:
		c.log.Info("PostgreSQL stopped", "data_dir", c.dataDir)
		return nil
	case <-time.After(stopTimeout):
	}
	c.log.Warn("PostgreSQL did not finish a fast shutdown in time; shutting down immediately", "data_dir", c.dataDir)
	_ = c.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-c.exited:
		return nil
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("PostgreSQL ignored shutdown requests and was killed (see %s)", c.logPath)
	}
}

func (c *Cluster) openLog() error {
	f, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open PostgreSQL log: %w", err)
	}
	c.logFile = f
	return nil
}

// prepareDataDir creates the data directory with the mode PostgreSQL
// demands and hands it to the server's account.
func prepareDataDir(dataDir string, own owner, log *slog.Logger) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	if err := own.makeReachable(dataDir, log); err != nil {
		return err
	}
	if err := own.chownTree(dataDir); err != nil {
		return err
	}
	return os.Chmod(dataDir, 0o700)
}

// initdb creates a cluster in dataDir unless one is there already.
func initdb(ctx context.Context, bins binaries, dataDir string, own owner, fast bool, log *slog.Logger) error {
	if _, err := os.Stat(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		return nil
	}
	args := []string{"-D", dataDir, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"}
	if fast {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, bins.initdb, args...)
	cmd.Dir = "/"
	cmd.Env = serverEnv()
	cmd.SysProcAttr = own.sysProcAttr()
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb %s failed: %w\n%s", dataDir, err, lastLines(string(out), 20))
	}
	log.Info("initialised PostgreSQL data directory", "data_dir", dataDir, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// maxSocketPath is the longest Unix socket path sockaddr_un holds.
const maxSocketPath = 107

// makeSocketDir returns the directory for the server's Unix socket:
// DataDir + ".sock" beside the data directory, or, when that path would
// push the socket past maxSocketPath, a new temporary directory, which
// temporary reports so that Stop removes it.
func makeSocketDir(dataDir string, own owner) (dir string, temporary bool, err error) {
	const socketName = "/.s.PGSQL.65535"
	dir = dataDir + ".sock"
	if len(dir)+len(socketName) > maxSocketPath {
		base := os.TempDir()
		if len(base)+len("/lfpg-0123456789")+len(socketName) > maxSocketPath {
			base = "/tmp"
		}
		if dir, err = os.MkdirTemp(base, "lfpg-"); err != nil {
			return "", false, fmt.Errorf("create PostgreSQL socket directory: %w", err)
		}
		temporary = true
	} else if err = os.MkdirAll(dir, 0o700); err != nil {
		return "", false, fmt.Errorf("create PostgreSQL socket directory: %w", err)
	}
	if err := own.chownTree(dir); err != nil {
		if temporary {
			os.RemoveAll(dir)
		}
		return "", false, err
	}
	return dir, temporary, nil
}

// serverEnv is this process's environment without PG* variables, which
// would otherwise change the server's defaults.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

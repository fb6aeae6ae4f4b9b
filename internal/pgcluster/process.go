package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// errPortTaken marks a start that failed because another process holds the
// port, so Start may retry with another one.
var errPortTaken = errors.New("port already in use")

// errOldProcesses marks a start refused because processes of a killed
// server still hold its shared memory; they exit on their own shortly.
var errOldProcesses = errors.New("processes of an earlier server are still running")

// launch writes this start's settings, starts postgres as a child process
// and waits until it accepts connections.
func (c *Cluster) launch(ctx context.Context, bins binaries, own owner, opts Options) error {
	c.port = opts.Port
	if c.port == 0 {
		p, err := freePort()
		if err != nil {
			return fmt.Errorf("pick a port for PostgreSQL: %w", err)
		}
		c.port = p
	}
	s := settings{port: c.port, socketDir: c.socketDir, fast: opts.Fast}
	if err := writeSettings(c.dataDir, s, own); err != nil {
		return fmt.Errorf("write PostgreSQL settings: %w", err)
	}
	logStart, _ := c.logFile.Seek(0, io.SeekEnd)

	cmd := exec.Command(bins.postgres, "-D", c.dataDir)
	cmd.Dir = "/"
	cmd.Env = serverEnv()
	cmd.Stdout = c.logFile
	cmd.Stderr = c.logFile
	cmd.SysProcAttr = own.sysProcAttr()
	// If this process dies without calling Stop, the kernel asks the server
	// for a fast shutdown.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGINT
	// In a process group of its own, the server does not receive the Ctrl-C
	// a terminal sends to this process's group, which postgres takes as a
	// fast shutdown: it would go while workers and the API still use it.
	// The owner of the Cluster stops it last, with Stop.
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.cmd = cmd
	c.exited = make(chan struct{})
	go func() {
		c.exitErr = cmd.Wait()
		close(c.exited)
	}()

	if err := c.waitReady(ctx); err != nil {
		select {
		case <-c.exited:
		default:
			_ = cmd.Process.Signal(syscall.SIGQUIT)
			<-c.exited
		}
		tail := c.logSince(logStart)
		if strings.Contains(tail, "could not bind") || strings.Contains(tail, "already in use") {
			return fmt.Errorf("%w: PostgreSQL could not listen on 127.0.0.1:%d", errPortTaken, c.port)
		}
		if strings.Contains(tail, "pre-existing shared memory block") {
			return fmt.Errorf("%w: %s", errOldProcesses, tail)
		}
		return fmt.Errorf("PostgreSQL in %s did not start: %w\n%s", c.dataDir, err, tail)
	}
	return nil
}

// waitReady polls until the server accepts a connection, the server exits,
// or ctx (bounded by startTimeout) ends.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	cfg, err := pgx.ParseConfig(c.URL("postgres"))
	if err != nil {
		return err
	}
	cfg.ConnectTimeout = time.Second
	for {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-c.exited:
			return fmt.Errorf("postgres exited: %v", c.exitErr)
		case <-ctx.Done():
			return fmt.Errorf("server not ready: %w (last error: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// logSince returns the last lines the server logged after offset.
func (c *Cluster) logSince(offset int64) string {
	f, err := os.Open(c.logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
	return lastLines(string(b), 20)
}

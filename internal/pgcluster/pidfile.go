package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// lockWait is how long Start waits for a server that still holds the data
// directory to exit, which covers the fast shutdown of the previous run's
// server after its parent died.
const lockWait = 15 * time.Second

// clearStaleLock deals with a postmaster.pid left by an earlier run.
//
//   - Its PID is dead: the file stays; postgres replaces it itself and uses
//     it to check that no old server process still uses shared memory.
//   - Its PID was reused by an unrelated process: postgres would refuse to
//     start, so the file is removed.
//   - A postgres of this data directory still runs: Start waits briefly,
//     which covers the fast shutdown of a server whose parent just died,
//     and otherwise reports it; stopping a server that another process owns
//     is not Start's call.
func clearStaleLock(ctx context.Context, dataDir string, log *slog.Logger) error {
	path := filepath.Join(dataDir, "postmaster.pid")
	deadline := time.Now().Add(lockWait)
	for {
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		first, _, _ := strings.Cut(string(data), "\n")
		pid, err := strconv.Atoi(strings.TrimSpace(first))
		switch {
		case err != nil || pid <= 0:
			return removeLock(path, first, log)
		case !alive(pid):
			return nil
		case !serverOf(pid, dataDir):
			return removeLock(path, first, log)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("data directory %s is in use by a running PostgreSQL server (PID %d); "+
				"stop it (pg_ctl stop -D %s -m fast) or use another directory", dataDir, pid, dataDir)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func removeLock(path, pid string, log *slog.Logger) error {
	log.Warn("removing stale PostgreSQL lock file", "path", path, "pid", pid)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// serverOf reports whether the live process pid is a postgres serving
// dataDir. When /proc cannot tell, it is assumed to be.
func serverOf(pid int, dataDir string) bool {
	proc := "/proc/" + strconv.Itoa(pid)
	if comm, err := os.ReadFile(proc + "/comm"); err == nil && strings.TrimSpace(string(comm)) != "postgres" {
		return false
	}
	// The postmaster runs with the data directory as its working directory.
	if cwd, err := os.Readlink(proc + "/cwd"); err == nil {
		want, werr := filepath.EvalSymlinks(dataDir)
		return werr != nil || cwd == want
	}
	return true
}

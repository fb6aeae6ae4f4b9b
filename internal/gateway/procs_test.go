package gateway

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testContext is a context that ends with the test or after d.
func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// waitFor retries cond every 20ms until it holds or ctx ends.
func waitFor(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// lockedBuffer collects a process's output from its own goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startProcess runs a foreground daemon until the test ends, then stops it
// by the pid its pid file names (falling back to the started process) and
// logs its output when the test failed.
func startProcess(t *testing.T, pidFile, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so stopping it stops NGINX's workers too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		if pid := runningPid(pidFile, filepath.Base(bin)); pid != 0 && pid != cmd.Process.Pid {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		// SIGTERM first, so NGINX's master stops and reaps its workers.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				t.Errorf("%s did not exit", bin)
			}
		}
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), out.String())
		}
	})
	ctx := testContext(t, 10*time.Second)
	waitFor(ctx, t, filepath.Base(bin)+" pid file", func() bool {
		select {
		case <-done:
			t.Fatalf("%s exited: %s", bin, out.String())
		default:
		}
		return runningPid(pidFile, filepath.Base(bin)) != 0
	})
}

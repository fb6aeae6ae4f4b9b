package gatewaytest

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/gateway/pidfile"
)

// StartProcess runs a foreground daemon (nginx with "daemon off;", dnsmasq
// --keep-in-foreground) until the test ends and returns once its pid file
// names it. At the end it stops the process (and its process group, so
// NGINX's workers too), and logs its output when the test failed.
func StartProcess(t testing.TB, pidFile, bin string, args ...string) {
	t.Helper()
	name := filepath.Base(bin)
	cmd := exec.Command(bin, args...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		if pid := pidfile.Running(pidFile, name); pid != 0 && pid != cmd.Process.Pid {
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
			t.Logf("%s output:\n%s", name, out.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for pidfile.Running(pidFile, name) == 0 {
		select {
		case <-done:
			t.Fatalf("%s exited: %s", bin, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s's pid file %s", name, pidFile)
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

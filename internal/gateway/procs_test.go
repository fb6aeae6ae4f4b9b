package gateway

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// streamModule is where Debian's libnginx-mod-stream installs the module.
const streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

// tools are the absolute paths of the programs the tests run.
type tools struct{ nginx, dnsmasq string }

// findTool looks for a program on PATH, then in /usr/sbin, where Debian
// installs nginx and dnsmasq and which a non-root PATH often lacks.
func findTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return exec.LookPath(filepath.Join("/usr/sbin", name))
}

// requireTools skips the test when nginx, dnsmasq or the stream module is
// missing, except under CI (CI set), which installs them (.ci/run).
func requireTools(t *testing.T) tools {
	t.Helper()
	var missing []string
	var found tools
	for _, tool := range []struct {
		name string
		dst  *string
	}{{"nginx", &found.nginx}, {"dnsmasq", &found.dnsmasq}} {
		p, err := findTool(tool.name)
		if err != nil {
			missing = append(missing, tool.name)
		}
		*tool.dst = p
	}
	if _, err := os.Stat(streamModule); err != nil {
		missing = append(missing, streamModule)
	}
	if len(missing) == 0 {
		return found
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI must have nginx and dnsmasq (apt-get install nginx-light libnginx-mod-stream dnsmasq-base); missing %v", missing)
	}
	t.Skipf("skipping: %v not installed (apt-get install nginx-light libnginx-mod-stream dnsmasq-base)", missing)
	return tools{}
}

// testContext is a context that ends with the test or after d.
func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}

// freePort returns a loopback port that was free for both TCP and UDP.
func freePort(t *testing.T, host string) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if u, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(port))); err == nil {
			u.Close()
			return port
		}
	}
	t.Fatal("no free port for TCP and UDP")
	return 0
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

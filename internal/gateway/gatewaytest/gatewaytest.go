// Package gatewaytest finds the real nginx and dnsmasq for tests of the
// gateway and picks loopback ports for them. It does not import
// internal/gateway, so that package's own tests use it too.
package gatewaytest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// StreamModule is where Debian's libnginx-mod-stream installs the module.
const StreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

// Tools are the absolute paths of the programs the gateway runs.
type Tools struct{ Nginx, Dnsmasq string }

// findTool looks for a program on PATH, then in /usr/sbin, where Debian
// installs nginx and dnsmasq and which a non-root PATH often lacks.
func findTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return exec.LookPath(filepath.Join("/usr/sbin", name))
}

// Find returns nginx and dnsmasq, and what is missing of them and
// NGINX's stream module (nothing when the gateway can run for real).
func Find() (Tools, []string) {
	var missing []string
	var found Tools
	for _, tool := range []struct {
		name string
		dst  *string
	}{{"nginx", &found.Nginx}, {"dnsmasq", &found.Dnsmasq}} {
		p, err := findTool(tool.name)
		if err != nil {
			missing = append(missing, tool.name)
		}
		*tool.dst = p
	}
	if _, err := os.Stat(StreamModule); err != nil {
		missing = append(missing, StreamModule)
	}
	return found, missing
}

// InstallHint is the command that installs what Find looks for.
const InstallHint = "apt-get install nginx-light libnginx-mod-stream dnsmasq-base"

// RequireTools returns nginx and dnsmasq, or skips the test when either
// or the stream module is missing, except under CI (CI set), which
// installs them and fails instead.
func RequireTools(t testing.TB) Tools {
	t.Helper()
	found, missing := Find()
	if len(missing) == 0 {
		return found
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI must have nginx and dnsmasq (%s); missing %v", InstallHint, missing)
	}
	t.Skipf("skipping: %v not installed (%s)", missing, InstallHint)
	return Tools{}
}

// FreePort returns a port of host that was free for both TCP and UDP.
func FreePort(t testing.TB, host string) int {
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

// NginxUser is the NGINX worker user a test configuration names: root
// when the test runs as root (workers must reach the test's private temp
// directory), otherwise none.
func NginxUser() string {
	if os.Geteuid() == 0 {
		return "root"
	}
	return ""
}

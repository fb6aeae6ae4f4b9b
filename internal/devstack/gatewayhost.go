package devstack

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/gateway/pidfile"
)

// Variables of the dev stack's gateway ports.
const (
	GatewayHTTPPortVariable  = "LABFORGE_DEV_GATEWAY_HTTP_PORT"
	GatewayHTTPSPortVariable = "LABFORGE_DEV_GATEWAY_HTTPS_PORT"
	GatewayDNSPortVariable   = "LABFORGE_DEV_GATEWAY_DNS_PORT"
	// GatewayRenderOnlyVariable makes the gateway render-only even when
	// nginx and dnsmasq are installed.
	GatewayRenderOnlyVariable = "LABFORGE_DEV_GATEWAY_RENDER_ONLY"
)

// streamModule is where Debian's libnginx-mod-stream installs NGINX's
// stream module, which the rendered configuration loads.
const streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

// gatewayStopTimeout bounds how long NGINX or dnsmasq may take to exit.
const gatewayStopTimeout = 5 * time.Second

// gatewayHost is the dev stack's gateway host of site lab: the directory
// its worker renders into, and, when nginx and dnsmasq are installed,
// those two run as children of the dev stack on loopback ports. Without
// them it is render-only: the files are written and not served.
type gatewayHost struct {
	Dir            string // .data/gateway
	Nginx, Dnsmasq string // the tools' paths; empty when render-only
	// Serving says whether NGINX and dnsmasq were started.
	Serving bool
	// Why says why it is render-only: missing tools, or the setting.
	Why                          string
	HTTPPort, HTTPSPort, DNSPort int
	logger                       *slog.Logger
	procs                        []*gatewayProc
}

// gatewayProc is one running tool.
type gatewayProc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

// prepareGatewayHost stops what an earlier dev stack that did not end
// cleanly left running from this data directory, finds the tools and,
// when they are there (and not turned off), checks that the gateway's
// ports are free.
func prepareGatewayHost(dataDir string, s Settings, logger *slog.Logger) (*gatewayHost, error) {
	g := &gatewayHost{Dir: filepath.Join(dataDir, "gateway"), HTTPPort: s.GatewayHTTPPort, HTTPSPort: s.GatewayHTTPSPort,
		DNSPort: s.GatewayDNSPort, logger: logger}
	if err := os.MkdirAll(g.nginxPrefix(), 0o755); err != nil {
		return nil, fmt.Errorf("create the gateway directory %s: %w", g.Dir, err)
	}
	g.stopStale("nginx", g.nginxPidFile())
	g.stopStale("dnsmasq", g.dnsmasqPidFile())
	if s.GatewayRenderOnly {
		g.Why = GatewayRenderOnlyVariable + " is set"
		return g, nil
	}
	nginx, errN := findTool("nginx")
	dnsmasq, errD := findTool("dnsmasq")
	var missing []string
	if errN != nil {
		missing = append(missing, "nginx")
	}
	if errD != nil {
		missing = append(missing, "dnsmasq")
	}
	if _, err := os.Stat(streamModule); err != nil {
		missing = append(missing, "NGINX's stream module")
	}
	if len(missing) > 0 {
		g.Why = strings.Join(missing, " and ") + " not installed"
		return g, nil
	}
	g.Nginx, g.Dnsmasq = nginx, dnsmasq
	for _, p := range []struct {
		port     int
		variable string
	}{{g.HTTPPort, GatewayHTTPPortVariable}, {g.HTTPSPort, GatewayHTTPSPortVariable}, {g.DNSPort, GatewayDNSPortVariable}} {
		if err := checkPortFree("127.0.0.1", p.port, "gateway", p.variable); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// RenderOnly says whether the tools are missing, so the files are only written.
func (g *gatewayHost) RenderOnly() bool { return g.Nginx == "" }

func (g *gatewayHost) nginxPrefix() string    { return filepath.Join(g.Dir, "nginx") }
func (g *gatewayHost) nginxConf() string      { return filepath.Join(g.Dir, "nginx.conf") }
func (g *gatewayHost) nginxPidFile() string   { return filepath.Join(g.nginxPrefix(), "nginx.pid") }
func (g *gatewayHost) dnsmasqConf() string    { return filepath.Join(g.Dir, "dnsmasq.conf") }
func (g *gatewayHost) dnsmasqPidFile() string { return filepath.Join(g.Dir, "dnsmasq.pid") }

// DHCPHostsFile is the dhcp-hostsfile the gateway writes, which the
// simulator reads as the lab bridge's DHCP server.
func (g *gatewayHost) DHCPHostsFile() string { return filepath.Join(g.Dir, "dhcp-hosts") }

// TLSDir is where the lab's external domain keeps its certificate.
func (g *gatewayHost) TLSDir() string { return filepath.Join(g.Dir, "tls") }

// Env is the LABFORGE_GATEWAY_* settings of the lab's gateway worker,
// which internal/app.GatewayConfig turns into the applier's files (in
// Dir: nginx.conf, dnsmasq.conf, hosts, dhcp-hosts) and commands. DHCP is
// not served: the simulator reads the reservations itself.
func (g *gatewayHost) Env() []string {
	user := "none"
	if os.Geteuid() == 0 {
		// NGINX's workers must reach the temp paths in the data directory.
		user = "root"
	}
	nginx, dnsmasq := g.Nginx, g.Dnsmasq
	if g.RenderOnly() {
		nginx, dnsmasq = "nginx", "dnsmasq"
	}
	return app.LoopbackGateway{Dir: g.Dir, NginxPrefix: g.nginxPrefix(), DnsmasqPidFile: g.dnsmasqPidFile(),
		NginxBin: nginx, DnsmasqBin: dnsmasq, StreamModule: streamModule, NginxUser: user,
		HTTPPort: g.HTTPPort, HTTPSPort: g.HTTPSPort, DNSPort: g.DNSPort, RenderOnly: g.RenderOnly()}.Env()
}

// Start runs NGINX and dnsmasq on the files the first apply wrote, and
// returns once both have written their pid files. It does nothing when
// render-only, or when no apply has written the files yet (Serving stays
// false; the banner shows the apply's error).
func (g *gatewayHost) Start() error {
	if g.RenderOnly() {
		return nil
	}
	for _, f := range []string{g.nginxConf(), g.dnsmasqConf()} {
		if _, err := os.Stat(f); err != nil {
			g.logger.Warn("the lab gateway's tools are not started: no configuration was applied", slog.String("missing", f))
			return nil
		}
	}
	g.Serving = true
	if err := g.run("nginx", g.nginxPidFile(), g.Nginx, "-p", g.nginxPrefix(), "-c", g.nginxConf(), "-g", "daemon off;"); err != nil {
		return err
	}
	args := []string{"--keep-in-foreground", "--conf-file=" + g.dnsmasqConf(), "--pid-file=" + g.dnsmasqPidFile(),
		"--log-facility=" + filepath.Join(g.Dir, "dnsmasq.log")}
	if os.Geteuid() == 0 {
		args = append(args, "--user=root") // it re-reads the hosts files in the data directory on SIGHUP
	}
	return g.run("dnsmasq", g.dnsmasqPidFile(), g.Dnsmasq, args...)
}

// run starts one tool in the foreground, in its own process group (so
// that Ctrl-C reaches the dev stack only, which stops it), with its
// output in Dir/<name>.out.
func (g *gatewayHost) run(name, pidFile, bin string, args ...string) error {
	out, err := os.OpenFile(filepath.Join(g.Dir, name+".out"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	p := &gatewayProc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	g.procs = append(g.procs, p)
	deadline := time.After(10 * time.Second)
	for pidfile.Running(pidFile, name) != cmd.Process.Pid {
		select {
		case <-p.done:
			b, _ := os.ReadFile(out.Name())
			return fmt.Errorf("%s exited at start (see %s): %s", name, out.Name(), b)
		case <-deadline:
			return fmt.Errorf("%s did not write its pid file %s within 10s (see %s)", name, pidFile, out.Name())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// Stop stops the tools it started, newest first: SIGTERM to the process
// group (NGINX's master stops its workers), SIGKILL when they linger.
func (g *gatewayHost) Stop() {
	for i := len(g.procs) - 1; i >= 0; i-- {
		p := g.procs[i]
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(gatewayStopTimeout):
			g.logger.Warn("gateway tool did not stop; killing it", slog.String("tool", p.name))
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	}
	g.procs = nil
}

// stopStale stops a tool that a dev stack on this data directory left
// running (it was killed before it could stop it): its pid file names a
// live process of that name. A pid file naming nothing is left to the
// tool, which overwrites it.
func (g *gatewayHost) stopStale(name, pidFile string) {
	pid := pidfile.Running(pidFile, name)
	if pid == 0 {
		return
	}
	g.logger.Warn("stopping a gateway tool left running by an earlier dev stack", slog.String("tool", name), slog.Int("pid", pid))
	_ = syscall.Kill(pid, syscall.SIGTERM)
	for deadline := time.Now().Add(gatewayStopTimeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if pidfile.Running(pidFile, name) == 0 {
			return
		}
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

// findTool looks for a program on PATH, then in /usr/sbin, where Debian
// installs nginx and dnsmasq and which a non-root PATH often lacks.
func findTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	p, err := exec.LookPath(filepath.Join("/usr/sbin", name))
	if err != nil {
		return "", errors.New(name + " not found")
	}
	return p, nil
}

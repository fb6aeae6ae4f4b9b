package gateway

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/labforge/labforge/internal/gateway/pidfile"
)

// reload makes the running tools pick up the files in place. A tool that
// is not running (no live pid in its pid file) is left alone: it reads the
// files when it starts.
func (a *Applier) reload(ctx context.Context) error {
	c := a.cfg
	if pidfile.Running(c.NginxPidFile(), "nginx") != 0 {
		if err := a.reloadNginx(ctx); err != nil {
			return err
		}
	}
	if pid := pidfile.Running(c.DnsmasqPidFile, "dnsmasq"); pid != 0 {
		if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
			return &ToolError{Tool: "dnsmasq", Step: "reload", Err: fmt.Errorf("SIGHUP to pid %d: %w", pid, err)}
		}
	}
	return nil
}

// reloadNginx signals NGINX to reload and waits for the outcome in its
// error log: nginx -s reload only delivers the signal, and a master that
// cannot take the new configuration (a port already in use) keeps the old
// one and says so only there. Success is a new worker started and the old
// one shutting down.
func (a *Applier) reloadNginx(ctx context.Context) error {
	c := a.cfg
	logPath := c.NginxErrorLog()
	var offset int64
	if fi, err := os.Stat(logPath); err == nil {
		offset = fi.Size()
	}
	if err := a.run(ctx, "nginx", "reload", c.NginxBin, expand(c.NginxReloadArgs, c.Nginx.Prefix, c.NginxConf)); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.CommandTimeout)
	defer cancel()
	for {
		text := readFrom(logPath, offset)
		if failed := linesWith(text, "[emerg]", "[alert]"); failed != "" {
			return &ToolError{Tool: "nginx", Step: "reload", Output: failed, Err: fmt.Errorf("nginx kept its previous configuration")}
		}
		// Done once a new worker runs and the old one has stopped taking
		// connections (it says so as it closes its listeners), so that a
		// request sent after the apply meets the new configuration.
		if strings.Contains(text, "start worker process") && strings.Contains(text, "gracefully shutting down") {
			return nil
		}
		select {
		case <-ctx.Done():
			return &ToolError{Tool: "nginx", Step: "reload", Err: fmt.Errorf("no reload reported in %s within %s", logPath, c.CommandTimeout)}
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// readFrom returns what path holds past offset, or "" when it cannot be read.
func readFrom(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.NewSectionReader(f, offset, 1<<20))
	return string(b)
}

// linesWith returns the lines of text that contain any of marks.
func linesWith(text string, marks ...string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, m := range marks {
			if strings.Contains(line, m) {
				out = append(out, line)
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

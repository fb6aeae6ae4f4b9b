package gateway

import (
	"context"
	"fmt"
	"syscall"
)

// reload makes the running tools pick up the files in place. A tool that
// is not running (no live pid in its pid file) is left alone: it reads the
// files when it starts.
func (a *Applier) reload(ctx context.Context) error {
	c := a.cfg
	if runningPid(c.NginxPidFile()) != 0 {
		if err := a.run(ctx, "nginx", "reload", c.NginxBin, expand(c.NginxReloadArgs, c.Nginx.Prefix, c.NginxConf)); err != nil {
			return err
		}
	}
	if pid := runningPid(c.DnsmasqPidFile); pid != 0 {
		if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
			return &ToolError{Tool: "dnsmasq", Step: "reload", Err: fmt.Errorf("SIGHUP to pid %d: %w", pid, err)}
		}
	}
	return nil
}

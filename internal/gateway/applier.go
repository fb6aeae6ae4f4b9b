package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/labforge/labforge/internal/gateway/pidfile"
)

// Applier renders snapshots into the gateway host's files and makes NGINX
// and dnsmasq serve them. Its methods are safe for concurrent use; applies
// run one at a time, and one waiting for its turn gives up when its context
// ends.
type Applier struct {
	cfg  Config
	turn chan struct{} // holds a token while an apply runs
}

// Result is the outcome of an Apply.
type Result struct {
	Hash      string    // the snapshot's hash
	AppliedAt time.Time // when the files now in place were applied
	Changed   bool      // false when the snapshot was already applied and nothing was done
	// DnsmasqRestartNeeded is set when dnsmasq's main file changed while it
	// was running: SIGHUP re-reads the hosts files only, so site-wide
	// settings (forwarders, domain, DHCP range) wait for a restart.
	DnsmasqRestartNeeded bool
}

// New returns an Applier for cfg (defaults filled in), or an error naming
// the setting that cannot be used.
func New(cfg Config) (*Applier, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Applier{cfg: cfg, turn: make(chan struct{}, 1)}, nil
}

// Apply makes the gateway serve s. When s (rendered with the same options)
// is what was last applied it does nothing. Otherwise it writes every file
// atomically, checks them with nginx -t and dnsmasq --test, and reloads the
// tools that are running. If a check or reload fails, the previous files
// are put back, the tools reloaded again, and the error (a *ToolError for
// a tool's failure, carrying its message) is returned. An invalid snapshot
// returns a *ValidationError and touches nothing. With Config.RenderOnly
// the files are written and the hash recorded without running the tools.
func (a *Applier) Apply(ctx context.Context, s Snapshot) (Result, error) {
	files, err := Render(s, a.cfg.Dnsmasq, a.cfg.Nginx)
	if err != nil {
		return Result{}, err
	}
	hash, filesHash := s.Hash(), files.hash()

	select {
	case a.turn <- struct{}{}:
		defer func() { <-a.turn }()
	case <-ctx.Done():
		return Result{}, fmt.Errorf("waiting for another gateway apply: %w", ctx.Err())
	}
	log := a.cfg.Logger.With("site", s.Site, "hash", hash)

	prev, err := loadState(a.cfg.StateFile)
	if err != nil {
		return Result{}, err
	}
	if prev.Hash == hash && prev.FilesHash == filesHash {
		log.Debug("gateway already serves this snapshot")
		return Result{Hash: hash, AppliedAt: prev.AppliedAt}, nil
	}

	targets := a.targets(files)
	paths := make([]string, len(targets))
	for i, t := range targets {
		paths[i] = t.path
	}
	old, err := saveFiles(paths)
	if err != nil {
		return Result{}, err
	}
	prevDnsmasq := old[slices.IndexFunc(old, func(f saved) bool { return f.path == a.cfg.DnsmasqConf })]

	if err := a.install(ctx, targets); err != nil {
		return Result{}, a.rollback(ctx, log, old, false, err)
	}
	if a.cfg.RenderOnly {
		log.Debug("render-only gateway: the tools are neither tested nor reloaded")
	} else if err := a.reload(ctx); err != nil {
		return Result{}, a.rollback(ctx, log, old, true, err)
	}
	res := Result{Hash: hash, AppliedAt: a.cfg.Now().UTC(), Changed: true}
	res.DnsmasqRestartNeeded = prevDnsmasq.existed && string(prevDnsmasq.data) != files.DnsmasqConf &&
		pidfile.Running(a.cfg.DnsmasqPidFile, "dnsmasq") != 0
	if res.DnsmasqRestartNeeded {
		log.Warn("dnsmasq main file changed; site-wide DNS and DHCP settings take effect when dnsmasq restarts")
	}
	if err := saveState(a.cfg.StateFile, state{Hash: hash, FilesHash: filesHash, AppliedAt: res.AppliedAt}); err != nil {
		// The files are in place and serving; the next apply only repeats the work.
		log.Warn("gateway state not saved", "err", err)
	}
	log.Info("gateway configuration applied")
	return res, nil
}

// target is one file to write.
type target struct {
	path string
	data string
}

// targets lists the files in a fixed order: NGINX main file, dnsmasq main
// file, hosts file, DHCP hosts file.
func (a *Applier) targets(f Files) []target {
	return []target{
		{a.cfg.NginxConf, f.NginxConf},
		{a.cfg.DnsmasqConf, f.DnsmasqConf},
		{a.cfg.Dnsmasq.HostsFile, f.DnsmasqHosts},
		{a.cfg.Dnsmasq.DHCPHostsFile, f.DnsmasqDHCPHosts},
	}
}

// install writes the files and checks them with the tools.
func (a *Applier) install(ctx context.Context, targets []target) error {
	for _, t := range targets {
		if err := writeAtomic(t.path, []byte(t.data)); err != nil {
			return err
		}
	}
	return a.test(ctx)
}

// test runs nginx -t and dnsmasq --test on the files in place, unless
// the applier only renders.
func (a *Applier) test(ctx context.Context) error {
	c := a.cfg
	if c.RenderOnly {
		return nil
	}
	if err := a.run(ctx, "nginx", "test", c.NginxBin, expand(c.NginxTestArgs, c.Nginx.Prefix, c.NginxConf)); err != nil {
		return err
	}
	return a.run(ctx, "dnsmasq", "test", c.DnsmasqBin, expand(c.DnsmasqTestArgs, c.Nginx.Prefix, c.DnsmasqConf))
}

// rollback restores the previous files after cause, reloads the tools again
// when they had been reloaded, and returns cause with any restore failure.
func (a *Applier) rollback(ctx context.Context, log *slog.Logger, old []saved, reloaded bool, cause error) error {
	log.Warn("gateway apply failed; restoring the previous configuration", "err", cause)
	// Put the old configuration back even when ctx has ended; every tool
	// run stays bounded by CommandTimeout.
	ctx = context.WithoutCancel(ctx)
	if err := restoreFiles(old); err != nil {
		return errors.Join(cause, fmt.Errorf("restore previous gateway files: %w", err))
	}
	if reloaded {
		if err := a.reload(ctx); err != nil {
			return errors.Join(cause, fmt.Errorf("reload previous gateway configuration: %w", err))
		}
	}
	return cause
}

func (f Files) hash() string {
	h := sha256.New()
	for _, s := range []string{f.NginxConf, f.DnsmasqConf, f.DnsmasqHosts, f.DnsmasqDHCPHosts} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

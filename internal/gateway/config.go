package gateway

import (
	"errors"
	"log/slog"
	"path/filepath"
	"time"
)

// Config says where an Applier writes files and how it checks and reloads
// NGINX and dnsmasq. Every path and command comes from here, so the gateway
// host, the dev stack and tests each use their own.
type Config struct {
	NginxConf   string // NGINX main file (nginx -c)
	DnsmasqConf string // dnsmasq main file (--conf-file)
	StateFile   string // last applied hash; default: labforge-gateway.state beside NginxConf

	Nginx   NginxOptions   // rendering options; Prefix is also nginx -p
	Dnsmasq DnsmasqOptions // rendering options; HostsFile and DHCPHostsFile are written too

	NginxBin   string // default "nginx"
	DnsmasqBin string // default "dnsmasq"
	// Argument templates; "{prefix}" and "{conf}" are replaced by
	// Nginx.Prefix and the main file of the tool.
	NginxTestArgs   []string // default -t -q -p {prefix} -c {conf}
	NginxReloadArgs []string // default -s reload -p {prefix} -c {conf}
	DnsmasqTestArgs []string // default --test --conf-file={conf}
	// DnsmasqPidFile is the pid file of the running dnsmasq, which is sent
	// SIGHUP to re-read the hosts files. Empty: dnsmasq is never reloaded.
	DnsmasqPidFile string

	// RenderOnly writes the files and records the applied hash without
	// running the tools: no nginx -t, no dnsmasq --test, no reload. It is
	// for a host without NGINX or dnsmasq (the dev stack when they are not
	// installed), where the files are only read; an apply then checks only
	// the snapshot and rolls back only when a file cannot be written.
	RenderOnly bool

	CommandTimeout time.Duration // per tool run, and for NGINX to report a reload; default 30s
	Logger         *slog.Logger  // default slog.Default()
	Now            func() time.Time
}

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	if c.StateFile == "" && c.NginxConf != "" {
		c.StateFile = filepath.Join(filepath.Dir(c.NginxConf), "labforge-gateway.state")
	}
	if c.NginxBin == "" {
		c.NginxBin = "nginx"
	}
	if c.DnsmasqBin == "" {
		c.DnsmasqBin = "dnsmasq"
	}
	if c.NginxTestArgs == nil {
		c.NginxTestArgs = []string{"-t", "-q", "-p", "{prefix}", "-c", "{conf}"}
	}
	if c.NginxReloadArgs == nil {
		c.NginxReloadArgs = []string{"-s", "reload", "-p", "{prefix}", "-c", "{conf}"}
	}
	if c.DnsmasqTestArgs == nil {
		c.DnsmasqTestArgs = []string{"--test", "--conf-file={conf}"}
	}
	if c.CommandTimeout == 0 {
		c.CommandTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// validate reports a configuration an Applier cannot work with.
func (c Config) validate() error {
	var errs []error
	for name, p := range map[string]string{"NginxConf": c.NginxConf, "DnsmasqConf": c.DnsmasqConf, "StateFile": c.StateFile} {
		if err := checkPath(p); err != nil {
			errs = append(errs, errors.New("gateway config "+name+": "+err.Error()))
		}
	}
	if err := c.Nginx.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Dnsmasq.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// NginxErrorLog is where the rendered configuration makes NGINX log; it
// is logged at notice level so that a reload's outcome can be read there.
func (c Config) NginxErrorLog() string { return filepath.Join(c.Nginx.Prefix, nginxErrorLogName) }

// NginxPidFile is where the rendered configuration makes NGINX keep its pid.
func (c Config) NginxPidFile() string { return filepath.Join(c.Nginx.Prefix, nginxPidName) }

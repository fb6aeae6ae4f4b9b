package gateway

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
)

// DnsmasqOptions say how the gateway host runs dnsmasq; they come from the
// gateway's configuration, never from a snapshot.
type DnsmasqOptions struct {
	ListenAddress string // listen-address and bind-interfaces; empty: every interface
	Port          int    // DNS port; 0 leaves dnsmasq's default (53)
	DHCP          bool   // render the DHCP range, router option and static leases
	HostsFile     string // addn-hosts file with one "<IP> <hostname>.<domain>" per container
	DHCPHostsFile string // dhcp-hostsfile with one "<MAC>,<IP>,<hostname>" per container
}

// NginxOptions say how the gateway host runs NGINX.
type NginxOptions struct {
	Prefix        string // directory for the pid file, logs and temp files (nginx -p)
	StreamModule  string // ngx_stream_module.so to load; empty when the module is built in
	User          string // worker user when started as root; empty leaves nginx's default
	HTTPListen    string // plain HTTP listen address, "0.0.0.0:80"
	TLSListen     string // TLS listen address, "0.0.0.0:443"; empty serves no TLS
	StreamAddress string // address TCP/UDP services listen on, "0.0.0.0"
}

var userRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

// validate reports the first option that cannot be rendered safely.
func (o DnsmasqOptions) validate() error {
	if o.ListenAddress != "" {
		if _, err := parseIP(o.ListenAddress); err != nil {
			return fmt.Errorf("dnsmasq listen address: %w", err)
		}
	}
	if o.Port != 0 {
		if err := checkPort(o.Port); err != nil {
			return fmt.Errorf("dnsmasq port: %w", err)
		}
	}
	if err := checkPath(o.HostsFile); err != nil {
		return fmt.Errorf("dnsmasq hosts file: %w", err)
	}
	if err := checkPath(o.DHCPHostsFile); err != nil {
		return fmt.Errorf("dnsmasq DHCP hosts file: %w", err)
	}
	return nil
}

// validate reports the first option that cannot be rendered safely.
func (o NginxOptions) validate() error {
	if err := checkPath(o.Prefix); err != nil {
		return fmt.Errorf("nginx prefix: %w", err)
	}
	if o.StreamModule != "" {
		if err := checkPath(o.StreamModule); err != nil {
			return fmt.Errorf("nginx stream module: %w", err)
		}
	}
	if o.User != "" && !userRE.MatchString(o.User) {
		return errors.New("nginx user: not a user name")
	}
	for name, v := range map[string]string{"HTTP listen": o.HTTPListen, "TLS listen": o.TLSListen} {
		if v == "" && name == "TLS listen" {
			continue
		}
		if ap, err := netip.ParseAddrPort(v); err != nil || ap.Port() == 0 || ap.Addr().Zone() != "" {
			return fmt.Errorf("nginx %s: not an address:port", name)
		}
	}
	if _, err := parseIP(o.StreamAddress); err != nil {
		return fmt.Errorf("nginx stream address: %w", err)
	}
	return nil
}

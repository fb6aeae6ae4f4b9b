// Package gateway turns a snapshot of a site's containers and services into
// the dnsmasq and NGINX configuration of the site's gateway host, and applies
// it safely: files are written atomically, checked with the tools themselves,
// reloaded, and restored when a check or reload fails.
//
// The files it writes are whole configurations, not fragments: NGINX runs
// with -p <Config.Nginx.Prefix> -c <Config.NginxConf> and dnsmasq with
// --conf-file=<Config.DnsmasqConf> --pid-file=<Config.DnsmasqPidFile>.
// Containers' names and static leases live in dnsmasq's hosts files, which
// SIGHUP re-reads; site-wide DNS and DHCP settings are in its main file,
// which dnsmasq reads only when it starts (Result.DnsmasqRestartNeeded).
//
// Nothing here knows about Temporal; the gateway activity wraps an Applier.
package gateway

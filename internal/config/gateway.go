package config

import (
	"net/netip"
	"path/filepath"
	"time"
)

// None turns off a gateway setting whose default is on
// (LABFORGE_GATEWAY_HTTPS_LISTEN, LABFORGE_GATEWAY_NGINX_STREAM_MODULE,
// LABFORGE_GATEWAY_NGINX_USER): an empty variable means its default.
const None = "none"

// Unless returns v, or "" when v is None.
func Unless(v string) string {
	if v == None {
		return ""
	}
	return v
}

// validateGateway checks the gateway host's settings a parser accepts but
// a gateway cannot use; internal/gateway checks the rest when a gateway
// worker starts.
func (c *Config) validateGateway(bad func(field, format string, args ...any)) {
	for field, p := range map[string]string{"GatewayDir": c.GatewayDir, "GatewayNginxPrefix": c.GatewayNginxPrefix,
		"GatewayDnsmasqPidFile": c.GatewayDnsmasqPidFile} {
		if !filepath.IsAbs(p) {
			bad(field, "is %q; use an absolute path", p)
		}
	}
	if c.GatewayNginxStreamModule != None && !filepath.IsAbs(c.GatewayNginxStreamModule) {
		bad("GatewayNginxStreamModule", "is %q; use an absolute path, or none when the module is built in", c.GatewayNginxStreamModule)
	}
	for field, v := range map[string]string{"GatewayHTTPListen": c.GatewayHTTPListen, "GatewayHTTPSListen": c.GatewayHTTPSListen} {
		if v == None && field == "GatewayHTTPSListen" {
			continue
		}
		if ap, err := netip.ParseAddrPort(v); err != nil || ap.Port() == 0 {
			bad(field, "is %q; use address:port such as 0.0.0.0:80", v)
		}
	}
	if _, err := netip.ParseAddr(c.GatewayStreamAddress); err != nil {
		bad("GatewayStreamAddress", "is %q; use an IP address such as 0.0.0.0", c.GatewayStreamAddress)
	}
	if _, err := netip.ParseAddr(c.GatewayDNSListen); c.GatewayDNSListen != "" && err != nil {
		bad("GatewayDNSListen", "is %q; use an IP address, or nothing for every interface", c.GatewayDNSListen)
	}
	if c.GatewayDNSPort < 1 || c.GatewayDNSPort > 65535 {
		bad("GatewayDNSPort", "is %d; use 1 to 65535", c.GatewayDNSPort)
	}
	if c.GatewayCommandTimeout < time.Second || c.GatewayCommandTimeout > 10*time.Minute {
		bad("GatewayCommandTimeout", "is %s; use 1s to 10m", c.GatewayCommandTimeout)
	}
}

package devstack

import (
	"fmt"
	"io"
	"strings"

	"github.com/labforge/labforge/internal/sim/smtpsink"
	"github.com/labforge/labforge/workflows"
)

type bannerInfo struct {
	API, UI, Temporal, Postgres, Mongo string
	Queues                             []string
	PVE                                *ProxmoxSim
	Login                              adminLogin
	Gateway                            *gatewayHost
	Lab                                labSite
	LastApply                          workflows.SiteGatewayResult
	Mail                               *smtpsink.Sink
	Services                           *serviceSims
}

// printBanner tells the developer where everything is and how to sign in.
// It prints the admin password only when the dev stack generated it.
func printBanner(w io.Writer, b bannerInfo) {
	fmt.Fprintf(w, `
Labforge dev stack is up.

  Web console      %s/   (sign in with the admin login below)
  API              %s   (try %s/readyz)
  Temporal Web UI  %s
  Temporal         %s   (temporal --address %s workflow list)
  PostgreSQL       %s
  MongoDB (Ferret) %s
  Workers          %s
  Proxmox (sim)    %s   nodes pve1, pve2 in cluster "lab"
                   Authorization: %s
                   certificate %s (SHA-256 %s)
%s
  Mail (SMTP sink) smtp://%s, no TLS, no login; received mail at %s%s
%s  Admin login      %s / %s
                   %s

  %s

Press Ctrl-C to stop.
`, b.API, b.API, b.API, b.UI, b.Temporal, b.Temporal, b.Postgres, b.Mongo, strings.Join(b.Queues, ", "),
		b.PVE.URL(), b.PVE.TokenHeader(), b.PVE.CAFile(), b.PVE.Fingerprint(),
		labLines(b),
		b.Mail.Addr(), b.API, MailPath, b.Services.bannerLines(),
		b.Login.Username, shownPassword(b.Login), b.Login.Source, loginCommand(b.API, b.Login))
}

// labLines tell where the lab site's gateway serves, or that it only
// renders its files, and how its last apply went.
func labLines(b bannerInfo) string {
	g, site := b.Gateway, b.Lab.Site
	var w strings.Builder
	fmt.Fprintf(&w, "  Site %-11s %s, containers are NAME.%s, nodes %s on bridge %s\n",
		`"`+site.Name+`"`, site.CIDR, site.InternalDomain, strings.Join(b.PVE.server.Nodes(), ", "), labBridge)
	last := b.LastApply.Status
	if b.LastApply.Hash != "" {
		last += ", hash " + b.LastApply.Hash[:min(12, len(b.LastApply.Hash))]
	}
	if b.LastApply.Error != "" {
		last += ": " + b.LastApply.Error
	}
	if g.RenderOnly() {
		fmt.Fprintf(&w, "  Gateway (lab)    RENDER-ONLY (%s): its files are written to\n", g.Why)
		fmt.Fprintf(&w, "                   %s but not served (last apply: %s)\n", g.Dir, last)
		if g.Why != GatewayRenderOnlyVariable+" is set" {
			w.WriteString("                   (apt-get install nginx-light libnginx-mod-stream dnsmasq-base, then restart)\n")
		}
		return w.String()
	}
	if !g.Serving {
		fmt.Fprintf(&w, "  Gateway (lab)    NOT SERVING: no configuration was applied to %s yet (last apply: %s)\n", g.Dir, last)
		return w.String()
	}
	name := "NAME." + b.Lab.Domain.Name
	fmt.Fprintf(&w, "  Gateway (lab)    nginx + dnsmasq on 127.0.0.1, files in %s (last apply: %s)\n", g.Dir, last)
	fmt.Fprintf(&w, "                   curl -sk --resolve %s:%d:127.0.0.1 https://%s:%d/\n", name, g.HTTPSPort, name, g.HTTPSPort)
	fmt.Fprintf(&w, "                   curl -s --resolve %s:%d:127.0.0.1 http://%s:%d/\n", name, g.HTTPPort, name, g.HTTPPort)
	fmt.Fprintf(&w, "                   dig -p %d @127.0.0.1 NAME.%s\n", g.DNSPort, site.InternalDomain)
	return w.String()
}

// shownPassword is the password as the banner shows it.
func shownPassword(l adminLogin) string {
	if l.Password != "" {
		return l.Password
	}
	return "(not shown)"
}

// loginCommand is a curl command that signs in; a configured password is
// taken from passwordVariable by the shell.
func loginCommand(api string, l adminLogin) string {
	switch {
	case l.Password != "":
		return fmt.Sprintf(`curl -s %s/api/v1/auth/login -d '{"username":"%s","password":"%s"}'`, api, l.Username, l.Password)
	case l.Configured:
		return fmt.Sprintf(`curl -s %s/api/v1/auth/login -d "{\"username\":\"%s\",\"password\":\"$%s\"}"`, api, l.Username, passwordVariable)
	}
	return fmt.Sprintf(`curl -s %s/api/v1/auth/login -d '{"username":"%s","password":"<password>"}'`, api, l.Username)
}

package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/gateway"
	"github.com/labforge/labforge/workflows"
)

// GatewayConfig maps the LABFORGE_GATEWAY_* settings to the gateway's
// Config: the rendered files and the applied hash live in GatewayDir.
func GatewayConfig(cfg config.Config, logger *slog.Logger) gateway.Config {
	dir := cfg.GatewayDir
	return gateway.Config{
		NginxConf:   filepath.Join(dir, "nginx.conf"),
		DnsmasqConf: filepath.Join(dir, "dnsmasq.conf"),
		StateFile:   filepath.Join(dir, "labforge-gateway.state"),
		Nginx: gateway.NginxOptions{
			Prefix:        cfg.GatewayNginxPrefix,
			StreamModule:  config.Unless(cfg.GatewayNginxStreamModule),
			User:          config.Unless(cfg.GatewayNginxUser),
			HTTPListen:    cfg.GatewayHTTPListen,
			TLSListen:     config.Unless(cfg.GatewayHTTPSListen),
			StreamAddress: cfg.GatewayStreamAddress,
		},
		Dnsmasq: gateway.DnsmasqOptions{
			ListenAddress: cfg.GatewayDNSListen,
			Port:          cfg.GatewayDNSPort,
			DHCP:          cfg.GatewayDHCP,
			HostsFile:     filepath.Join(dir, "hosts"),
			DHCPHostsFile: filepath.Join(dir, "dhcp-hosts"),
		},
		NginxBin:       cfg.GatewayNginxBin,
		DnsmasqBin:     cfg.GatewayDnsmasqBin,
		DnsmasqPidFile: cfg.GatewayDnsmasqPidFile,
		CommandTimeout: cfg.GatewayCommandTimeout,
		RenderOnly:     cfg.GatewayRenderOnly,
		Logger:         logger,
	}
}

// gatewayActivities returns the gateway activities for a worker polling
// queues, or nil when none is a gateway queue. A setting the gateway cannot
// use fails with a sentence naming the LABFORGE_GATEWAY_* variables.
func gatewayActivities(cfg config.Config, logger *slog.Logger, queues []string) (*activities.Gateway, error) {
	if !slices.ContainsFunc(queues, activities.IsGatewayQueue) {
		return nil, nil
	}
	a, err := gateway.New(GatewayConfig(cfg, logger))
	if err != nil {
		return nil, fmt.Errorf("the gateway settings (LABFORGE_GATEWAY_*) cannot be used: %w", err)
	}
	return &activities.Gateway{Applier: a}, nil
}

// requestGatewayApply is the gateway activities' GatewayRequester: it
// sends the request to the site's gateway workflow with Signal-With-Start.
func (p *Platform) requestGatewayApply(ctx context.Context, r activities.GatewayApplyRequest) error {
	_, err := workflows.SignalSiteGatewayApply(ctx, p.Temporal, workflows.SiteGatewayInput{SiteID: r.SiteID, SiteName: r.SiteName},
		workflows.SiteGatewayApplyRequest{Reason: r.Reason, ReplyTo: r.ReplyTo, RequestID: r.RequestID})
	return err
}

// LoopbackGateway is a site gateway host on 127.0.0.1 run by an ordinary
// user, as the dev stack and the benchmarks run one: NGINX and dnsmasq
// on unprivileged ports, files in Dir, and no DHCP (the Proxmox simulator
// reads the reservations file itself).
type LoopbackGateway struct {
	Dir, NginxPrefix, DnsmasqPidFile string
	NginxBin, DnsmasqBin             string
	StreamModule, NginxUser          string
	HTTPPort, HTTPSPort, DNSPort     int
	RenderOnly                       bool
}

// Env is g's LABFORGE_GATEWAY_* settings, which GatewayConfig turns into
// the applier's files and commands.
func (g LoopbackGateway) Env() []string {
	return []string{
		"LABFORGE_GATEWAY_DIR=" + g.Dir,
		"LABFORGE_GATEWAY_NGINX_BIN=" + g.NginxBin,
		"LABFORGE_GATEWAY_NGINX_PREFIX=" + g.NginxPrefix,
		"LABFORGE_GATEWAY_NGINX_STREAM_MODULE=" + g.StreamModule,
		"LABFORGE_GATEWAY_NGINX_USER=" + g.NginxUser,
		"LABFORGE_GATEWAY_DNSMASQ_BIN=" + g.DnsmasqBin,
		"LABFORGE_GATEWAY_DNSMASQ_PID_FILE=" + g.DnsmasqPidFile,
		"LABFORGE_GATEWAY_HTTP_LISTEN=127.0.0.1:" + strconv.Itoa(g.HTTPPort),
		"LABFORGE_GATEWAY_HTTPS_LISTEN=127.0.0.1:" + strconv.Itoa(g.HTTPSPort),
		"LABFORGE_GATEWAY_STREAM_ADDRESS=127.0.0.1",
		"LABFORGE_GATEWAY_DNS_LISTEN=127.0.0.1",
		"LABFORGE_GATEWAY_DNS_PORT=" + strconv.Itoa(g.DNSPort),
		"LABFORGE_GATEWAY_DHCP=false",
		"LABFORGE_GATEWAY_RENDER_ONLY=" + strconv.FormatBool(g.RenderOnly),
	}
}

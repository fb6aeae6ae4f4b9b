package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"

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

package activities

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/gateway"
)

// Gateways holds the core side of site gateways (queue core): it reads
// what a site's gateway host must serve, records what it applied, and asks
// a site's gateway workflow for an apply on behalf of another workflow.
type Gateways struct {
	Sites domain.SiteGatewayStore
	// Request sends apply requests to site gateway workflows (RequestApply).
	Request GatewayRequester
}

func (g *Gateways) validate() error {
	if g.Sites == nil || g.Request == nil {
		return errors.New("the site gateway activities need a site gateway store and a gateway apply requester")
	}
	return nil
}

// SiteGatewaySnapshot reads the site's gateway snapshot from PostgreSQL:
// its network, external domains and the containers it serves. Every such
// container gets its DHCP reservation and DNS name; only a ready one gets
// ingress for its services (HTTP proxied with the service's backend
// scheme), and a TCP or UDP service without an external port yet is left
// out. An unknown site is
// the non-retryable NotFound.
func (g *Gateways) SiteGatewaySnapshot(ctx context.Context, siteID uuid.UUID) (gateway.Snapshot, error) {
	gs, err := g.Sites.LoadGatewaySite(ctx, siteID)
	if err != nil {
		return gateway.Snapshot{}, classify(err)
	}
	return SnapshotOf(gs), nil
}

// SnapshotOf maps a stored site to the gateway's snapshot of it.
func SnapshotOf(gs *domain.GatewaySite) gateway.Snapshot {
	s := gs.Site
	snap := gateway.Snapshot{Site: s.Name, CIDR: s.CIDR.String(), Gateway: s.Gateway.String(),
		DHCPStart: s.DHCPStart.String(), DHCPEnd: s.DHCPEnd.String(), InternalDomain: s.InternalDomain,
		DNSForwarders: []string{}, ExternalDomains: []gateway.ExternalDomain{}, Containers: []gateway.Container{}}
	for _, f := range s.DNSForwarders {
		snap.DNSForwarders = append(snap.DNSForwarders, f.String())
	}
	for _, d := range gs.ExternalDomains {
		snap.ExternalDomains = append(snap.ExternalDomains, gateway.ExternalDomain{Name: d.Name, CertPath: d.CertPath, KeyPath: d.KeyPath})
	}
	for _, gc := range gs.Containers {
		c := gc.Container
		ct := gateway.Container{Hostname: c.Hostname, MAC: c.MAC, Services: []gateway.Service{}}
		if c.IPv4 != nil {
			ct.IPv4 = c.IPv4.String()
		}
		for _, svc := range gc.Services {
			switch {
			case c.State != domain.GuestReady:
			case svc.Protocol == domain.ServiceHTTP:
				scheme := svc.Backend
				if scheme == "" {
					scheme = domain.BackendHTTP
				}
				ct.Services = append(ct.Services, gateway.Service{Kind: gateway.KindHTTP, Host: svc.ExternalHostname,
					Port: svc.InternalPort, Scheme: scheme})
			case svc.ExternalPort != nil:
				ct.Services = append(ct.Services, gateway.Service{Kind: string(svc.Protocol), Port: svc.InternalPort,
					ExternalPort: *svc.ExternalPort})
			}
		}
		snap.Containers = append(snap.Containers, ct)
	}
	return snap
}

// SiteGatewayRecord is the outcome of applying a site's snapshot on its
// gateway host. Status is domain.GatewayApplied or domain.GatewayFailed;
// Error is the failure's message.
type SiteGatewayRecord struct {
	SiteID    uuid.UUID `json:"site_id"`
	Hash      string    `json:"hash"`
	AppliedAt time.Time `json:"applied_at"`
	Status    string    `json:"status"`
	Error     string    `json:"error"`
}

// RecordSiteGateway stores r as the site's gateway status, which the site
// API shows. Recording the same outcome twice leaves the same record.
func (g *Gateways) RecordSiteGateway(ctx context.Context, r SiteGatewayRecord) error {
	rec := domain.SiteGateway{Hash: r.Hash, Status: r.Status, Error: r.Error}
	if !r.AppliedAt.IsZero() {
		at := r.AppliedAt.UTC()
		rec.AppliedAt = &at
	}
	return classify(g.Sites.RecordSiteGateway(ctx, r.SiteID, rec))
}

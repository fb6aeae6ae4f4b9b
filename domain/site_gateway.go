package domain

import (
	"context"

	"github.com/google/uuid"
)

// Outcomes of a gateway apply (SiteGateway.Status).
const (
	GatewayApplied = "applied" // NGINX and dnsmasq serve the snapshot of Hash
	GatewayFailed  = "failed"  // the snapshot was rejected; the previous configuration still serves
)

// GatewaySite is everything a site's gateway host serves, as stored: the
// site's network settings, its external domains, and its live containers
// (not deleted, with a reserved address) with their services.
type GatewaySite struct {
	Site            Site
	ExternalDomains []ExternalDomain
	Containers      []GatewayContainer
}

// GatewayContainer is a live container of a site with its reserved address
// (IPv4 and MAC are set) and the services published for it.
type GatewayContainer struct {
	Container Container
	Services  []Service
}

// SiteGatewayStore reads what a site's gateway serves and records what it
// last applied.
type SiteGatewayStore interface {
	// LoadGatewaySite returns the site with its external domains and live
	// containers, read consistently, or KindNotFound.
	LoadGatewaySite(ctx context.Context, siteID uuid.UUID) (*GatewaySite, error)
	// RecordSiteGateway stores the outcome of an apply as the site's
	// GatewayStatus, or returns KindNotFound (or KindInvalid for a status
	// other than GatewayApplied or GatewayFailed).
	RecordSiteGateway(ctx context.Context, siteID uuid.UUID, g SiteGateway) error
}

// ValidGatewayStatus reports whether s is GatewayApplied or GatewayFailed.
func ValidGatewayStatus(s string) bool { return s == GatewayApplied || s == GatewayFailed }

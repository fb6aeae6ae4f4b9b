package store

import (
	"context"
	"net/netip"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

const siteColumns = `id, name, cidr, gateway, dhcp_start, dhcp_end, internal_domain, dns_forwarders,
	external_ip, external_port_first, external_port_last, created_at,
	gateway_applied_at, gateway_hash, gateway_status, gateway_error`

// scanSite reads siteColumns; GatewayStatus stays nil until a gateway
// apply has been recorded.
func scanSite(r rowScanner) (domain.Site, error) {
	var s domain.Site
	var g domain.SiteGateway
	var hash, status, msg *string
	err := r.Scan(&s.ID, &s.Name, &s.CIDR, &s.Gateway, &s.DHCPStart, &s.DHCPEnd, &s.InternalDomain,
		&s.DNSForwarders, &s.ExternalIP, &s.ExternalPortFirst, &s.ExternalPortLast, &s.CreatedAt,
		&g.AppliedAt, &hash, &status, &msg)
	if err == nil && status != nil {
		g.Status = *status
		if hash != nil {
			g.Hash = *hash
		}
		if msg != nil {
			g.Error = *msg
		}
		s.GatewayStatus = &g
	}
	return s, err
}

// siteArgs returns the stored form of s's settings: the network with host
// bits cleared and a non-nil forwarder list.
func siteArgs(s *domain.Site) (netip.Prefix, []netip.Addr) {
	fwd := s.DNSForwarders
	if fwd == nil {
		fwd = []netip.Addr{}
	}
	return s.CIDR.Masked(), fwd
}

// CreateSite stores s, assigning ID (unless set) and CreatedAt. It returns
// KindInvalid for inconsistent addresses and KindConflict when the name is
// taken.
func (db *DB) CreateSite(ctx context.Context, s *domain.Site) error {
	if err := s.Validate(); err != nil {
		return err
	}
	cidr, fwd := siteArgs(s)
	err := db.q.QueryRow(ctx, `
		INSERT INTO sites (id, name, cidr, gateway, dhcp_start, dhcp_end, internal_domain, dns_forwarders,
			external_ip, external_port_first, external_port_last)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING id, cidr, created_at`,
		nullID(s.ID), s.Name, cidr, s.Gateway, s.DHCPStart, s.DHCPEnd, s.InternalDomain, fwd,
		s.ExternalIP, s.ExternalPortFirst, s.ExternalPortLast,
	).Scan(&s.ID, &s.CIDR, &s.CreatedAt)
	return mapErr(err, "site")
}

var _ domain.SiteStore = (*DB)(nil)

// FindSite returns the site or KindNotFound.
func (db *DB) FindSite(ctx context.Context, id uuid.UUID) (*domain.Site, error) {
	s, err := scanSite(db.q.QueryRow(ctx, `SELECT `+siteColumns+` FROM sites WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "site "+id.String())
	}
	return &s, nil
}

// FindSiteByName returns the site or KindNotFound.
func (db *DB) FindSiteByName(ctx context.Context, name string) (*domain.Site, error) {
	s, err := scanSite(db.q.QueryRow(ctx, `SELECT `+siteColumns+` FROM sites WHERE name = $1`, name))
	if err != nil {
		return nil, mapErr(err, "site "+quote(name))
	}
	return &s, nil
}

// ListSites returns sites ordered by name, and the cursor of the next page.
func (db *DB) ListSites(ctx context.Context, page domain.Page) ([]domain.Site, string, error) {
	return list(ctx, db, listQuery[domain.Site]{
		from: "sites", columns: siteColumns, orderBy: "name", what: "sites",
		after: func(c *conds, at cursor) { c.add("name > %s", at.S) },
		scan:  scanSite,
		key:   func(s *domain.Site) cursor { return cursor{S: s.Name} },
	}, conds{}, page)
}

// UpdateSite stores every setting of s. Addresses already allocated stay
// allocated even when the new DHCP range no longer holds them. It returns
// KindNotFound, KindInvalid or KindConflict.
func (db *DB) UpdateSite(ctx context.Context, s *domain.Site) error {
	if err := s.Validate(); err != nil {
		return err
	}
	cidr, fwd := siteArgs(s)
	err := db.q.QueryRow(ctx, `
		UPDATE sites SET name = $2, cidr = $3, gateway = $4, dhcp_start = $5, dhcp_end = $6,
			internal_domain = $7, dns_forwarders = $8, external_ip = $9, external_port_first = $10,
			external_port_last = $11
		WHERE id = $1 RETURNING cidr, created_at`,
		s.ID, s.Name, cidr, s.Gateway, s.DHCPStart, s.DHCPEnd, s.InternalDomain, fwd,
		s.ExternalIP, s.ExternalPortFirst, s.ExternalPortLast,
	).Scan(&s.CIDR, &s.CreatedAt)
	return mapErr(err, "site "+s.ID.String())
}

// DeleteSite deletes the site and the permissions granted on it. It
// returns KindNotFound, or KindConflict naming what still uses it:
// external domains, nodes or containers.
func (db *DB) DeleteSite(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "sites", domain.ObjectSite, id)
}

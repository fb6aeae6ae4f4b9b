package store

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

var _ domain.SiteGatewayStore = (*DB)(nil)

// LoadGatewaySite returns the site with its external domains and the
// containers its gateway serves (provisioning or ready, with a reserved
// address) and their services,
// read in one repeatable-read transaction so the parts agree. It returns
// KindNotFound for an unknown site.
func (db *DB) LoadGatewaySite(ctx context.Context, siteID uuid.UUID) (*domain.GatewaySite, error) {
	var gs domain.GatewaySite
	err := db.inTx(ctx, func(tx *DB) error {
		if _, err := tx.q.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
			return mapErr(err, "")
		}
		site, err := tx.FindSite(ctx, siteID)
		if err != nil {
			return err
		}
		gs.Site = *site
		if gs.ExternalDomains, err = tx.siteExternalDomains(ctx, siteID); err != nil {
			return err
		}
		gs.Containers, err = tx.gatewayContainers(ctx, siteID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &gs, nil
}

// siteExternalDomains returns every external domain of the site, by name.
func (db *DB) siteExternalDomains(ctx context.Context, siteID uuid.UUID) ([]domain.ExternalDomain, error) {
	rows, err := db.q.Query(ctx, `SELECT `+externalDomainColumns+` FROM external_domains WHERE site_id = $1 ORDER BY name`, siteID)
	if err != nil {
		return nil, mapErr(err, "external domains")
	}
	defer rows.Close()
	var out []domain.ExternalDomain
	for rows.Next() {
		d, err := scanExternalDomain(rows)
		if err != nil {
			return nil, mapErr(err, "external domains")
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err(), "external domains")
}

// gatewayContainers returns the site's containers that are provisioning
// or ready and have an address, by hostname, each with its services, in
// one query. A failed, missing or deleting container has no DNS entry or
// ingress, even while it still holds its address.
func (db *DB) gatewayContainers(ctx context.Context, siteID uuid.UUID) ([]domain.GatewayContainer, error) {
	rows, err := db.q.Query(ctx, `
		SELECT `+containerColumns+`, s.id, s.protocol, s.internal_port, s.external_port,
			COALESCE(s.external_hostname, ''), COALESCE(s.backend, ''), s.auth_required, s.created_at
		FROM containers c JOIN ip_allocations a ON a.container_id = c.id
			LEFT JOIN services s ON s.container_id = c.id
		WHERE c.site_id = $1 AND c.state IN ('provisioning', 'ready')
		ORDER BY c.hostname, c.id, s.created_at, s.id`, siteID)
	if err != nil {
		return nil, mapErr(err, "gateway containers")
	}
	defer rows.Close()
	var out []domain.GatewayContainer
	for rows.Next() {
		var c domain.Container
		var svcID *uuid.UUID
		var proto *domain.ServiceProtocol
		var internal, external *int
		var host, backend string
		var authRequired *bool
		var created *time.Time
		err := rows.Scan(append(containerDest(&c),
			&svcID, &proto, &internal, &external, &host, &backend, &authRequired, &created)...)
		if err != nil {
			return nil, mapErr(err, "gateway containers")
		}
		if n := len(out); n == 0 || out[n-1].Container.ID != c.ID {
			out = append(out, domain.GatewayContainer{Container: c})
		}
		if svcID != nil {
			last := &out[len(out)-1]
			last.Services = append(last.Services, domain.Service{ID: *svcID, ContainerID: c.ID, SiteID: c.SiteID,
				Protocol: *proto, InternalPort: *internal, ExternalPort: external, ExternalHostname: host,
				Backend: backend, AuthRequired: *authRequired, CreatedAt: *created})
		}
	}
	return out, mapErr(rows.Err(), "gateway containers")
}

// RecordSiteGateway stores the outcome of a gateway apply as the site's
// gateway status. It returns KindInvalid for an unknown status and
// KindNotFound for an unknown site.
func (db *DB) RecordSiteGateway(ctx context.Context, siteID uuid.UUID, g domain.SiteGateway) error {
	if !domain.ValidGatewayStatus(g.Status) {
		return domain.Errorf(domain.KindInvalid, "gateway status %q is not applied or failed", g.Status)
	}
	tag, err := db.q.Exec(ctx, `
		UPDATE sites SET gateway_applied_at = $2, gateway_hash = $3, gateway_status = $4, gateway_error = $5
		WHERE id = $1`, siteID, g.AppliedAt, g.Hash, g.Status, g.Error)
	if err != nil {
		return mapErr(err, "site "+siteID.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("site %s not found", siteID)
	}
	return nil
}

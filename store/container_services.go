package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// ListContainerServices returns the container's services oldest first.
func (db *DB) ListContainerServices(ctx context.Context, id uuid.UUID) ([]domain.Service, error) {
	rows, err := db.q.Query(ctx, `SELECT `+serviceColumns+` FROM services WHERE container_id = $1
		ORDER BY created_at, id`, id)
	if err != nil {
		return nil, mapErr(err, "services")
	}
	services, err := collect(rows, scanService)
	return services, mapErr(err, "services")
}

// ServicesOf returns the services of each of the containers ids, oldest
// first, in one query.
func (db *DB) ServicesOf(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]domain.Service, error) {
	out := map[uuid.UUID][]domain.Service{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.q.Query(ctx, `SELECT `+serviceColumns+` FROM services WHERE container_id = ANY($1)
		ORDER BY created_at, id`, ids)
	if err != nil {
		return nil, mapErr(err, "services")
	}
	services, err := collect(rows, scanService)
	if err != nil {
		return nil, mapErr(err, "services")
	}
	for _, svc := range services {
		out[svc.ContainerID] = append(out[svc.ContainerID], svc)
	}
	return out, nil
}

// ReplaceContainerServices makes services the container's services in one
// transaction under its site's allocation lock. A service equal to a
// current one (protocol, internal port, host name, and the external port
// if one is asked for) keeps its ID and external port; a new TCP/UDP
// service gets the external port it asks for, which must lie in the
// site's pool, or, when the container holds an address, the lowest free
// one; the other current services are deleted. Errors name the field:
// services[i].external_hostname for a host name outside the site's
// external domains (KindInvalid) or used by another container
// (KindConflict), services[i].external_port for a port outside the pool
// (KindInvalid) or taken (KindConflict).
func (db *DB) ReplaceContainerServices(ctx context.Context, id uuid.UUID, services []domain.Service) ([]domain.Service, error) {
	var out []domain.Service
	err := db.inTx(ctx, func(tx *DB) error {
		c, err := tx.FindContainer(ctx, id)
		if err != nil {
			return err
		}
		out, err = tx.replaceServices(ctx, c, services)
		return err
	})
	return out, err
}

// replaceServices is ReplaceContainerServices for the container c, inside
// the caller's transaction.
func (db *DB) replaceServices(ctx context.Context, c *domain.Container, services []domain.Service) ([]domain.Service, error) {
	if err := db.lock(ctx, lockContainerAllocation, c.SiteID.String()); err != nil {
		return nil, err
	}
	site, err := db.FindSite(ctx, c.SiteID)
	if err != nil {
		return nil, err
	}
	domains, err := db.siteExternalDomains(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	if err := checkServices(services, site, domains); err != nil {
		return nil, err
	}
	current, err := db.ListContainerServices(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	kept, added := matchServices(current, services)
	for _, s := range current {
		if !kept[s.ID] {
			if err := db.DeleteService(ctx, s.ID); err != nil {
				return nil, err
			}
		}
	}
	if err := db.checkServicesFree(ctx, site.ID, c.ID, services, added); err != nil {
		return nil, err
	}
	for i := range services {
		s := &services[i]
		s.ContainerID, s.SiteID = c.ID, site.ID
		if !added[i] {
			if err := db.UpdateService(ctx, s); err != nil {
				return nil, err
			}
			continue
		}
		s.ID = uuid.Nil
		if err := db.CreateService(ctx, s); err != nil {
			return nil, err
		}
	}
	if c.IPv4 != nil {
		// The container holds an address: its new services get ports now.
		if _, err := db.allocateServicePorts(ctx, site, c.ID); err != nil {
			return nil, err
		}
	}
	return db.ListContainerServices(ctx, c.ID)
}

// serviceKey identifies a service for matching: what a user asks for.
func serviceKey(s *domain.Service) string {
	return fmt.Sprintf("%s/%d/%s", s.Protocol, s.InternalPort, strings.ToLower(s.ExternalHostname))
}

// matchServices pairs each wanted service with an equal current one (which
// it takes the ID and external port of) and reports which current services
// are kept and which wanted ones are new.
func matchServices(current, wanted []domain.Service) (kept map[uuid.UUID]bool, added map[int]bool) {
	kept, added = map[uuid.UUID]bool{}, map[int]bool{}
	for i := range wanted {
		w := &wanted[i]
		added[i] = true
		for _, c := range current {
			if kept[c.ID] || serviceKey(&c) != serviceKey(w) {
				continue
			}
			if w.ExternalPort != nil && (c.ExternalPort == nil || *c.ExternalPort != *w.ExternalPort) {
				continue
			}
			w.ID, w.ExternalPort, w.CreatedAt = c.ID, c.ExternalPort, c.CreatedAt
			kept[c.ID], added[i] = true, false
			break
		}
	}
	return kept, added
}

// checkServices validates the services (domain.ValidateServices), then
// checks host names against the site's external domains and ports against
// its pool, naming each bad field by the service's index.
func checkServices(services []domain.Service, site *domain.Site, domains []domain.ExternalDomain) error {
	if err := domain.ValidateServices(services); err != nil {
		return err
	}
	var v domain.Validator
	for i := range services {
		s := &services[i]
		field := "services[" + fmt.Sprint(i) + "]."
		if s.Protocol == domain.ServiceHTTP {
			v.Check(underAny(strings.ToLower(s.ExternalHostname), domains), field+"external_hostname",
				"must be a name under one of the site's external domains ("+domainNames(domains)+")")
		}
		if p := s.ExternalPort; p != nil {
			v.Check(*p >= site.ExternalPortFirst && *p <= site.ExternalPortLast, field+"external_port",
				fmt.Sprintf("must lie in the site's external port pool %d-%d", site.ExternalPortFirst, site.ExternalPortLast))
		}
	}
	return v.Err()
}

func underAny(host string, domains []domain.ExternalDomain) bool {
	for _, d := range domains {
		if strings.HasSuffix(host, "."+d.Name) {
			return true
		}
	}
	return false
}

func domainNames(domains []domain.ExternalDomain) string {
	if len(domains) == 0 {
		return "the site has none yet"
	}
	names := make([]string, len(domains))
	for i, d := range domains {
		names[i] = d.Name
	}
	return strings.Join(names, ", ")
}

// checkServicesFree reports, naming the field, a new service's host name
// or asked-for external port that another container of the site uses.
func (db *DB) checkServicesFree(ctx context.Context, siteID, containerID uuid.UUID, services []domain.Service, added map[int]bool) error {
	fields := map[string]string{}
	for i := range services {
		s := &services[i]
		if !added[i] {
			continue
		}
		field := "services[" + fmt.Sprint(i) + "]."
		var taken bool
		if s.Protocol == domain.ServiceHTTP {
			err := db.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM services WHERE site_id = $1 AND container_id <> $2
				AND lower(external_hostname) = lower($3))`, siteID, containerID, s.ExternalHostname).Scan(&taken)
			if err != nil {
				return mapErr(err, "services")
			}
			if taken {
				fields[field+"external_hostname"] = "is already taken"
			}
		}
		if s.ExternalPort != nil {
			err := db.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM services WHERE site_id = $1 AND protocol = $2
				AND external_port = $3)`, siteID, s.Protocol, *s.ExternalPort).Scan(&taken)
			if err != nil {
				return mapErr(err, "services")
			}
			if taken {
				fields[field+"external_port"] = "is already taken"
			}
		}
	}
	if len(fields) > 0 {
		return &domain.Error{Kind: domain.KindConflict, Message: "a service's name or port is already taken", Fields: fields}
	}
	return nil
}

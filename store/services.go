package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

const serviceColumns = `id, container_id, site_id, protocol, internal_port, external_port,
	COALESCE(external_hostname, ''), COALESCE(backend, ''), auth_required, created_at`

func scanService(r rowScanner) (domain.Service, error) {
	var s domain.Service
	err := r.Scan(&s.ID, &s.ContainerID, &s.SiteID, &s.Protocol, &s.InternalPort, &s.ExternalPort,
		&s.ExternalHostname, &s.Backend, &s.AuthRequired, &s.CreatedAt)
	return s, err
}

// serviceBackend is the backend column's value: http by default for HTTP
// services, NULL for the others.
func serviceBackend(s *domain.Service) *string {
	if s.Protocol != domain.ServiceHTTP {
		return nil
	}
	if s.Backend == "" {
		s.Backend = domain.BackendHTTP
	}
	return &s.Backend
}

// CreateService stores s for its container, assigning ID (unless set),
// CreatedAt and SiteID (the container's). An ExternalPort given here is
// stored as is; AllocateExternalPort picks a free one instead. It returns
// KindInvalid for invalid fields or an unknown container and KindConflict
// when the port or host name is taken in the site. CreatedAt is the clock
// time, not the transaction's, so services created together list in the
// order they were created.
func (db *DB) CreateService(ctx context.Context, s *domain.Service) error {
	if err := s.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO services (id, container_id, site_id, protocol, internal_port, external_port, external_hostname,
			backend, auth_required, created_at)
		SELECT COALESCE($1, gen_random_uuid()), c.id, c.site_id, $3, $4, $5, $6, $7, $8, clock_timestamp()
		FROM containers c WHERE c.id = $2
		RETURNING id, site_id, created_at`,
		nullID(s.ID), s.ContainerID, s.Protocol, s.InternalPort, s.ExternalPort, nullText(s.ExternalHostname),
		serviceBackend(s), s.AuthRequired,
	).Scan(&s.ID, &s.SiteID, &s.CreatedAt)
	if err != nil {
		// No row means the SELECT found no container.
		return mapErr(err, "container "+s.ContainerID.String())
	}
	return nil
}

// FindService returns the service or KindNotFound.
func (db *DB) FindService(ctx context.Context, id uuid.UUID) (*domain.Service, error) {
	s, err := scanService(db.q.QueryRow(ctx, `SELECT `+serviceColumns+` FROM services WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "service "+id.String())
	}
	return &s, nil
}

// ListServices returns services oldest first, and the cursor of the next
// page. Call it inside inTx to read a consistent snapshot of a site.
func (db *DB) ListServices(ctx context.Context, f domain.ServiceFilter) ([]domain.Service, string, error) {
	var c conds
	if f.ContainerID != nil {
		c.add("container_id = %s", *f.ContainerID)
	}
	if f.SiteID != nil {
		c.add("site_id = %s", *f.SiteID)
	}
	return list(ctx, db, listQuery[domain.Service]{
		from: "services", columns: serviceColumns, orderBy: "created_at, id", what: "services",
		after: func(c *conds, at cursor) { c.add("(created_at, id) > (%s, %s)", at.T, at.ID) },
		scan:  scanService,
		key:   func(s *domain.Service) cursor { return cursor{T: s.CreatedAt, ID: s.ID} },
	}, c, f.Page)
}

// UpdateService stores protocol, ports and host name. It returns
// KindNotFound, KindInvalid or KindConflict.
func (db *DB) UpdateService(ctx context.Context, s *domain.Service) error {
	if err := s.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		UPDATE services SET protocol = $2, internal_port = $3, external_port = $4, external_hostname = $5,
			backend = $6, auth_required = $7
		WHERE id = $1 RETURNING container_id, site_id, created_at`,
		s.ID, s.Protocol, s.InternalPort, s.ExternalPort, nullText(s.ExternalHostname), serviceBackend(s), s.AuthRequired,
	).Scan(&s.ContainerID, &s.SiteID, &s.CreatedAt)
	return mapErr(err, "service "+s.ID.String())
}

// DeleteService deletes the service, freeing its external port. It returns
// KindNotFound.
func (db *DB) DeleteService(ctx context.Context, id uuid.UUID) error {
	tag, err := db.q.Exec(ctx, `DELETE FROM services WHERE id = $1`, id)
	if err != nil {
		return mapDeleteErr(err, "service "+id.String())
	}
	if tag.RowsAffected() == 0 {
		return domain.NotFoundf("service %s not found", id)
	}
	return nil
}

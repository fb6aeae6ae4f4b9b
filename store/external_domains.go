package store

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

var _ domain.ExternalDomainStore = (*DB)(nil)

const externalDomainColumns = `id, name, cert_path, key_path, site_id, created_at`

func scanExternalDomain(r rowScanner) (domain.ExternalDomain, error) {
	var d domain.ExternalDomain
	err := r.Scan(&d.ID, &d.Name, &d.CertPath, &d.KeyPath, &d.SiteID, &d.CreatedAt)
	return d, err
}

// CreateExternalDomain stores d, assigning ID (unless set) and CreatedAt.
// It returns KindInvalid (also when the site does not exist) or
// KindConflict (the name is taken).
func (db *DB) CreateExternalDomain(ctx context.Context, d *domain.ExternalDomain) error {
	if err := d.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		INSERT INTO external_domains (id, name, cert_path, key_path, site_id)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5)
		RETURNING id, created_at`,
		nullID(d.ID), d.Name, d.CertPath, d.KeyPath, d.SiteID,
	).Scan(&d.ID, &d.CreatedAt)
	return mapErr(err, "external domain")
}

// FindExternalDomain returns the domain or KindNotFound.
func (db *DB) FindExternalDomain(ctx context.Context, id uuid.UUID) (*domain.ExternalDomain, error) {
	d, err := scanExternalDomain(db.q.QueryRow(ctx,
		`SELECT `+externalDomainColumns+` FROM external_domains WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "external domain "+id.String())
	}
	return &d, nil
}

// ListExternalDomains returns the domains f selects ordered by name, and
// the cursor of the next page.
func (db *DB) ListExternalDomains(ctx context.Context, f domain.ExternalDomainFilter) ([]domain.ExternalDomain, string, error) {
	var c conds
	if f.SiteID != nil {
		c.add("site_id = %s", *f.SiteID)
	}
	return list(ctx, db, listQuery[domain.ExternalDomain]{
		from: "external_domains", columns: externalDomainColumns, orderBy: "name", what: "external domains",
		after: func(c *conds, at cursor) { c.add("name > %s", at.S) },
		scan:  scanExternalDomain,
		key:   func(d *domain.ExternalDomain) cursor { return cursor{S: d.Name} },
	}, c, f.Page)
}

// UpdateExternalDomain stores every setting of d. It returns KindNotFound,
// KindInvalid or KindConflict.
func (db *DB) UpdateExternalDomain(ctx context.Context, d *domain.ExternalDomain) error {
	if err := d.Validate(); err != nil {
		return err
	}
	err := db.q.QueryRow(ctx, `
		UPDATE external_domains SET name = $2, cert_path = $3, key_path = $4, site_id = $5
		WHERE id = $1 RETURNING created_at`,
		d.ID, d.Name, d.CertPath, d.KeyPath, d.SiteID,
	).Scan(&d.CreatedAt)
	return mapErr(err, "external domain "+d.ID.String())
}

// DeleteExternalDomain deletes the domain and the permissions granted on
// it, or returns KindNotFound.
func (db *DB) DeleteExternalDomain(ctx context.Context, id uuid.UUID) error {
	return db.deleteObject(ctx, "external_domains", domain.ObjectExternalDomain, id)
}

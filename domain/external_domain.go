package domain

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ExternalDomain is a DNS name under which a site's gateway publishes HTTP
// services, with the TLS certificate and key files the gateway host holds
// for it. The paths end up in an NGINX configuration, so Validate admits
// only plain absolute paths.
type ExternalDomain struct {
	ID       uuid.UUID `json:"id"`
	Name     string    `json:"name"`
	CertPath string    `json:"cert_path"`
	KeyPath  string    `json:"key_path"`
	SiteID   uuid.UUID `json:"site_id"`
	// CreatedAt is when the domain was registered.
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the domain's name, paths and site.
func (d *ExternalDomain) Validate() error {
	var v Validator
	v.Check(validDomain(d.Name), "name", "must be a lower-case DNS name such as lab.example.org")
	v.Check(ValidConfigPath(d.CertPath), "cert_path", pathRule)
	v.Check(ValidConfigPath(d.KeyPath), "key_path", pathRule)
	v.Check(d.SiteID != uuid.Nil, "site_id", "must name a site")
	return v.Err()
}

const pathRule = "must be an absolute path on the gateway host without whitespace, quotes, control characters or ;{}$"

// ValidConfigPath reports whether p is an absolute file path that can be
// written into an NGINX configuration verbatim: no whitespace, quotes,
// control characters, ';', '{', '}', '$' or '\', and no '..' segment.
func ValidConfigPath(p string) bool {
	if len(p) < 2 || len(p) > 4096 || p[0] != '/' || strings.HasSuffix(p, "/") {
		return false
	}
	for _, r := range p {
		if r <= 0x20 || r == 0x7f || strings.ContainsRune("\"'`;{}$\\#", r) {
			return false
		}
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// ExternalDomainFilter narrows ListExternalDomains. Zero fields match
// everything.
type ExternalDomainFilter struct {
	SiteID *uuid.UUID
	Page   Page
}

// ExternalDomainStore keeps the external domains of sites.
type ExternalDomainStore interface {
	// CreateExternalDomain stores d, assigning ID (unless set) and
	// CreatedAt. It returns KindInvalid (also when the site does not
	// exist) or KindConflict (the name is taken).
	CreateExternalDomain(ctx context.Context, d *ExternalDomain) error
	// FindExternalDomain returns the domain or KindNotFound.
	FindExternalDomain(ctx context.Context, id uuid.UUID) (*ExternalDomain, error)
	// ListExternalDomains returns the domains f selects ordered by name,
	// and the cursor of the next page ("" at the end).
	ListExternalDomains(ctx context.Context, f ExternalDomainFilter) ([]ExternalDomain, string, error)
	// UpdateExternalDomain stores every setting of d. It returns
	// KindNotFound, KindInvalid or KindConflict.
	UpdateExternalDomain(ctx context.Context, d *ExternalDomain) error
	// DeleteExternalDomain deletes the domain and the permissions granted
	// on it, or returns KindNotFound.
	DeleteExternalDomain(ctx context.Context, id uuid.UUID) error
}

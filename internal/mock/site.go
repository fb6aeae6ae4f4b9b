package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// SiteStore is a domain.SiteStore whose methods call the matching Fn field.
type SiteStore struct {
	CreateSiteFn     func(ctx context.Context, site *domain.Site) error
	FindSiteFn       func(ctx context.Context, id uuid.UUID) (*domain.Site, error)
	FindSiteByNameFn func(ctx context.Context, name string) (*domain.Site, error)
	ListSitesFn      func(ctx context.Context, page domain.Page) ([]domain.Site, string, error)
	UpdateSiteFn     func(ctx context.Context, site *domain.Site) error
	DeleteSiteFn     func(ctx context.Context, id uuid.UUID) error
}

var _ domain.SiteStore = (*SiteStore)(nil)

// CreateSite calls CreateSiteFn.
func (s *SiteStore) CreateSite(ctx context.Context, site *domain.Site) error {
	if s.CreateSiteFn == nil {
		unexpected("SiteStore.CreateSite")
	}
	return s.CreateSiteFn(ctx, site)
}

// FindSite calls FindSiteFn.
func (s *SiteStore) FindSite(ctx context.Context, id uuid.UUID) (*domain.Site, error) {
	if s.FindSiteFn == nil {
		unexpected("SiteStore.FindSite")
	}
	return s.FindSiteFn(ctx, id)
}

// FindSiteByName calls FindSiteByNameFn.
func (s *SiteStore) FindSiteByName(ctx context.Context, name string) (*domain.Site, error) {
	if s.FindSiteByNameFn == nil {
		unexpected("SiteStore.FindSiteByName")
	}
	return s.FindSiteByNameFn(ctx, name)
}

// ListSites calls ListSitesFn.
func (s *SiteStore) ListSites(ctx context.Context, page domain.Page) ([]domain.Site, string, error) {
	if s.ListSitesFn == nil {
		unexpected("SiteStore.ListSites")
	}
	return s.ListSitesFn(ctx, page)
}

// UpdateSite calls UpdateSiteFn.
func (s *SiteStore) UpdateSite(ctx context.Context, site *domain.Site) error {
	if s.UpdateSiteFn == nil {
		unexpected("SiteStore.UpdateSite")
	}
	return s.UpdateSiteFn(ctx, site)
}

// DeleteSite calls DeleteSiteFn.
func (s *SiteStore) DeleteSite(ctx context.Context, id uuid.UUID) error {
	if s.DeleteSiteFn == nil {
		unexpected("SiteStore.DeleteSite")
	}
	return s.DeleteSiteFn(ctx, id)
}

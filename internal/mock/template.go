package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// TemplateStore is a domain.TemplateStore whose methods call the matching
// Fn field.
type TemplateStore struct {
	UpsertTemplateFn func(ctx context.Context, t *domain.VMTemplate) error
	FindTemplateFn   func(ctx context.Context, id uuid.UUID) (*domain.VMTemplate, error)
	ListTemplatesFn  func(ctx context.Context, f domain.TemplateFilter) ([]domain.VMTemplate, string, error)
}

var _ domain.TemplateStore = (*TemplateStore)(nil)

// UpsertTemplate calls UpsertTemplateFn.
func (s *TemplateStore) UpsertTemplate(ctx context.Context, t *domain.VMTemplate) error {
	if s.UpsertTemplateFn == nil {
		unexpected("TemplateStore.UpsertTemplate")
	}
	return s.UpsertTemplateFn(ctx, t)
}

// FindTemplate calls FindTemplateFn.
func (s *TemplateStore) FindTemplate(ctx context.Context, id uuid.UUID) (*domain.VMTemplate, error) {
	if s.FindTemplateFn == nil {
		unexpected("TemplateStore.FindTemplate")
	}
	return s.FindTemplateFn(ctx, id)
}

// ListTemplates calls ListTemplatesFn.
func (s *TemplateStore) ListTemplates(ctx context.Context, f domain.TemplateFilter) ([]domain.VMTemplate, string, error) {
	if s.ListTemplatesFn == nil {
		unexpected("TemplateStore.ListTemplates")
	}
	return s.ListTemplatesFn(ctx, f)
}

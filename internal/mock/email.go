package mock

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// EmailStore is a domain.EmailStore whose methods call the matching Fn field.
type EmailStore struct {
	ListEmailTemplatesFn func(ctx context.Context) ([]domain.EmailTemplate, error)
	FindEmailTemplateFn  func(ctx context.Context, key string) (*domain.EmailTemplate, error)
	SaveEmailTemplateFn  func(ctx context.Context, t *domain.EmailTemplate) error
	CreateEmailFn        func(ctx context.Context, e *domain.Email) error
	FindEmailFn          func(ctx context.Context, id uuid.UUID) (*domain.Email, error)
	ListEmailsFn         func(ctx context.Context, f domain.EmailFilter) ([]domain.Email, string, error)
	RecordEmailAttemptFn func(ctx context.Context, id uuid.UUID, status domain.EmailStatus, errMsg string) (*domain.Email, error)
	RequeueEmailFn       func(ctx context.Context, id uuid.UUID) (*domain.Email, error)
}

var _ domain.EmailStore = (*EmailStore)(nil)

// ListEmailTemplates calls ListEmailTemplatesFn.
func (s *EmailStore) ListEmailTemplates(ctx context.Context) ([]domain.EmailTemplate, error) {
	if s.ListEmailTemplatesFn == nil {
		unexpected("EmailStore.ListEmailTemplates")
	}
	return s.ListEmailTemplatesFn(ctx)
}

// FindEmailTemplate calls FindEmailTemplateFn.
func (s *EmailStore) FindEmailTemplate(ctx context.Context, key string) (*domain.EmailTemplate, error) {
	if s.FindEmailTemplateFn == nil {
		unexpected("EmailStore.FindEmailTemplate")
	}
	return s.FindEmailTemplateFn(ctx, key)
}

// SaveEmailTemplate calls SaveEmailTemplateFn.
func (s *EmailStore) SaveEmailTemplate(ctx context.Context, t *domain.EmailTemplate) error {
	if s.SaveEmailTemplateFn == nil {
		unexpected("EmailStore.SaveEmailTemplate")
	}
	return s.SaveEmailTemplateFn(ctx, t)
}

// CreateEmail calls CreateEmailFn.
func (s *EmailStore) CreateEmail(ctx context.Context, e *domain.Email) error {
	if s.CreateEmailFn == nil {
		unexpected("EmailStore.CreateEmail")
	}
	return s.CreateEmailFn(ctx, e)
}

// FindEmail calls FindEmailFn.
func (s *EmailStore) FindEmail(ctx context.Context, id uuid.UUID) (*domain.Email, error) {
	if s.FindEmailFn == nil {
		unexpected("EmailStore.FindEmail")
	}
	return s.FindEmailFn(ctx, id)
}

// ListEmails calls ListEmailsFn.
func (s *EmailStore) ListEmails(ctx context.Context, f domain.EmailFilter) ([]domain.Email, string, error) {
	if s.ListEmailsFn == nil {
		unexpected("EmailStore.ListEmails")
	}
	return s.ListEmailsFn(ctx, f)
}

// RecordEmailAttempt calls RecordEmailAttemptFn.
func (s *EmailStore) RecordEmailAttempt(ctx context.Context, id uuid.UUID, status domain.EmailStatus, errMsg string) (*domain.Email, error) {
	if s.RecordEmailAttemptFn == nil {
		unexpected("EmailStore.RecordEmailAttempt")
	}
	return s.RecordEmailAttemptFn(ctx, id, status, errMsg)
}

// RequeueEmail calls RequeueEmailFn.
func (s *EmailStore) RequeueEmail(ctx context.Context, id uuid.UUID) (*domain.Email, error) {
	if s.RequeueEmailFn == nil {
		unexpected("EmailStore.RequeueEmail")
	}
	return s.RequeueEmailFn(ctx, id)
}

package mock

import (
	"context"

	"github.com/labforge/labforge/domain"
)

// AuditLog is a domain.AuditLog whose methods call the matching Fn field.
type AuditLog struct {
	RecordAuditFn func(ctx context.Context, rec *domain.AuditRecord) error
	ListAuditFn   func(ctx context.Context, f domain.AuditFilter) ([]domain.AuditRecord, string, error)
}

var _ domain.AuditLog = (*AuditLog)(nil)

// RecordAudit calls RecordAuditFn.
func (l *AuditLog) RecordAudit(ctx context.Context, rec *domain.AuditRecord) error {
	if l.RecordAuditFn == nil {
		unexpected("AuditLog.RecordAudit")
	}
	return l.RecordAuditFn(ctx, rec)
}

// ListAudit calls ListAuditFn.
func (l *AuditLog) ListAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditRecord, string, error) {
	if l.ListAuditFn == nil {
		unexpected("AuditLog.ListAudit")
	}
	return l.ListAuditFn(ctx, f)
}

// AuditOutbox is a domain.AuditOutbox whose method calls AuditedFn.
type AuditOutbox struct {
	AuditedFn func(ctx context.Context, change func(ctx context.Context) (*domain.AuditRecord, error)) error
}

var _ domain.AuditOutbox = (*AuditOutbox)(nil)

// Audited calls AuditedFn.
func (o *AuditOutbox) Audited(ctx context.Context, change func(ctx context.Context) (*domain.AuditRecord, error)) error {
	if o.AuditedFn == nil {
		unexpected("AuditOutbox.Audited")
	}
	return o.AuditedFn(ctx, change)
}

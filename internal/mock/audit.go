package mock

import (
	"context"

	"github.com/labforge/labforge/domain"
)

// AuditLog is a domain.AuditLog whose method calls RecordAuditFn.
type AuditLog struct {
	RecordAuditFn func(ctx context.Context, rec *domain.AuditRecord) error
}

var _ domain.AuditLog = (*AuditLog)(nil)

// RecordAudit calls RecordAuditFn.
func (l *AuditLog) RecordAudit(ctx context.Context, rec *domain.AuditRecord) error {
	if l.RecordAuditFn == nil {
		unexpected("AuditLog.RecordAudit")
	}
	return l.RecordAuditFn(ctx, rec)
}

package apptest

import (
	"context"
	"testing"
	"time"

	"github.com/labforge/labforge/domain"
)

// auditRelayWait bounds how long Audit waits for the relay.
const auditRelayWait = 15 * time.Second

// Audit returns the audit records matching f (newest first, up to the
// largest page) once the core worker's relay has carried every committed
// record to MongoDB, that is once the PostgreSQL outbox holds no pending
// record. It fails t when the outbox is not drained within 15 s (a stack
// without a core worker has no relay).
func (s *Stack) Audit(t testing.TB, f domain.AuditFilter) []domain.AuditRecord {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), auditRelayWait+15*time.Second)
	defer cancel()
	deadline := time.Now().Add(auditRelayWait)
	for {
		pending, _, err := s.Platform.DB.AuditOutboxBacklog(ctx)
		if err != nil {
			t.Fatalf("apptest: reading the audit outbox: %v", err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("apptest: %d audit records still wait in the outbox after %s", pending, auditRelayWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if f.Page.Limit == 0 {
		f.Page.Limit = domain.MaxPageLimit
	}
	recs, _, err := s.Platform.Audit.ListAudit(ctx, f)
	if err != nil {
		t.Fatalf("apptest: listing the audit log: %v", err)
	}
	return recs
}

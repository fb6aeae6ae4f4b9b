package api

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// auditEntry is what a handler says about a change it made: the record's
// action, object and the object's states. The actor, request id and client
// address come from the request.
type auditEntry struct {
	Action, ObjectType, ObjectID string
	Before, After                any
}

// audited runs change and appends the audit record of what it did in one
// PostgreSQL transaction (domain.AuditOutbox): the record commits exactly
// when the change does, and the outbox's relay carries it to the audit
// log, however long MongoDB is down. change makes its store calls with the
// context it receives, one at a time, and returns its entry (a zero entry
// records nothing); its error is returned unchanged, with nothing kept.
// change must not start or signal workflows: their activities would not
// see what change wrote until it commits (use recordAudit after such a
// call instead).
func (s *Server) audited(c *gin.Context, change func(ctx context.Context) (auditEntry, error)) error {
	return s.auditedIn(c.Request.Context(), c, change)
}

// auditedIn is audited under ctx instead of the request's context: with
// context.WithoutCancel, for a change that must be made even when the
// client has gone (marking a record failed after its workflow could not
// start).
func (s *Server) auditedIn(ctx context.Context, c *gin.Context, change func(ctx context.Context) (auditEntry, error)) error {
	return s.outbox.Audited(ctx, func(ctx context.Context) (*domain.AuditRecord, error) {
		e, err := change(ctx)
		if err != nil || e.Action == "" {
			return nil, err
		}
		return s.auditRecord(c, e), nil
	})
}

// recordAudit appends an audit record for a change the caller just made
// whose state is not in PostgreSQL (a workflow started or signalled, a
// sign-in) or that it could not make inside audited: the record goes to
// the outbox in a transaction of its own. The change has already happened,
// so a failure to store the record is logged with the whole record rather
// than reported to the caller as a failed request.
func (s *Server) recordAudit(c *gin.Context, action, objectType, objectID string, before, after any) {
	s.writeAudit(c, s.auditRecord(c, auditEntry{Action: action, ObjectType: objectType, ObjectID: objectID,
		Before: before, After: after}))
}

// auditRecord builds the record of e for the request's caller.
func (s *Server) auditRecord(c *gin.Context, e auditEntry) *domain.AuditRecord {
	rec := &domain.AuditRecord{
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		Before: domain.JSONObject(e.Before), After: domain.JSONObject(e.After),
		RequestID: requestID(c), ClientIP: c.ClientIP(),
	}
	if u, ok := c.Get(ctxUser); ok {
		rec.ActorID, rec.ActorName = u.(*domain.User).ID, u.(*domain.User).Username
	}
	return rec
}

// writeAudit appends rec to the outbox in a transaction of its own, even
// when the client has gone (the change it describes is done).
func (s *Server) writeAudit(c *gin.Context, rec *domain.AuditRecord) {
	ctx := context.WithoutCancel(c.Request.Context())
	err := s.outbox.Audited(ctx, func(context.Context) (*domain.AuditRecord, error) { return rec, nil })
	if err != nil {
		loggerFrom(c).Error("audit record not stored", slog.Any("error", err), slog.Any("record", rec))
	}
}

package api

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// recordAudit appends an audit record for a mutation the caller just made.
// The mutation has already happened, so a failure to store the record is
// logged with the whole record (nothing is lost from the log stream) rather
// than reported to the caller as a failed request.
func (s *Server) recordAudit(c *gin.Context, action, objectType, objectID string, before, after any) {
	rec := domain.AuditRecord{
		Action: action, ObjectType: objectType, ObjectID: objectID,
		Before: domain.JSONObject(before), After: domain.JSONObject(after),
		RequestID: requestID(c), ClientIP: c.ClientIP(),
	}
	if u, ok := c.Get(ctxUser); ok {
		rec.ActorID, rec.ActorName = u.(*domain.User).ID, u.(*domain.User).Username
	}
	s.writeAudit(c, &rec)
}

func (s *Server) writeAudit(c *gin.Context, rec *domain.AuditRecord) {
	if err := s.audit.RecordAudit(c.Request.Context(), rec); err != nil {
		loggerFrom(c).Error("audit record not stored", slog.Any("error", err), slog.Any("record", rec))
	}
}

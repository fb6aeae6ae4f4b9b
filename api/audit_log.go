package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// listAudit answers GET /audit: the audit log newest first, filtered by
// actor (a user id, or the username the actor had), object, action and a
// time window (since inclusive, until exclusive, RFC 3339).
// Administrators only. Records still in the outbox (MongoDB down) appear
// once the relay has carried them.
func (s *Server) listAudit(c *gin.Context) {
	page, err := s.listPage(c, domain.ObjectSystem)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f := domain.AuditFilter{ObjectType: c.Query("object_type"), ObjectID: c.Query("object_id"),
		Action: c.Query("action"), Page: page}
	if actor := c.Query("actor"); actor != "" {
		if id, err := uuid.Parse(actor); err == nil {
			f.ActorID = &id
		} else {
			f.ActorName = actor
		}
	}
	var v domain.Validator
	f.Since = queryTime(&v, c, "since")
	f.Until = queryTime(&v, c, "until")
	if v.Valid() && !f.Since.IsZero() && !f.Until.IsZero() {
		v.Check(f.Until.After(f.Since), "until", "must be after since")
	}
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	recs, next, err := s.audit.ListAudit(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(recs, next))
}

// queryTime parses the query parameter name as an RFC 3339 time, if
// present (the zero time when absent).
func queryTime(v *domain.Validator, c *gin.Context, name string) time.Time {
	raw := c.Query(name)
	if raw == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, raw)
	v.Check(err == nil, name, "must be a time such as 2026-03-01T09:00:00Z")
	return t
}

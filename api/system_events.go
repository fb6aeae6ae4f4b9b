package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// listSystemEvents answers GET /system/events, filtered by kind, severity
// and object, newest first. Administrators only.
func (s *Server) listSystemEvents(c *gin.Context) {
	page, err := s.listPage(c, domain.ObjectSystem)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f := domain.SystemEventFilter{
		Kind: c.Query("kind"), Severity: domain.Severity(c.Query("severity")),
		ObjectType: c.Query("object_type"), ObjectID: c.Query("object_id"), Page: page,
	}
	var v domain.Validator
	switch f.Severity {
	case "", domain.SeverityInfo, domain.SeverityWarning, domain.SeverityError:
	default:
		v.Check(false, "severity", "must be info, warning or error")
	}
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	events, next, err := s.systemEvents.ListSystemEvents(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(events, next))
}

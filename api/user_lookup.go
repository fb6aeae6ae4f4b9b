package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// lookupUsers answers GET /users/lookup?q=&limit=: the enabled users whose
// username, display name or e-mail address starts with q, best matches
// first, as domain.UserSummary (id, username and display name only). It
// is open to whoever adds people to events — those who may create events
// or manage every event — and to those who may read every user, so that
// an instructor can find a participant by name without seeing accounts.
func (s *Server) lookupUsers(c *gin.Context) {
	event := domain.TypeRef(domain.ObjectEvent)
	if err := s.authorizeAny(c, "you may look up users only if you may create or manage events, or read every user",
		permissionCheck{event, domain.KeyCreate},
		permissionCheck{event, domain.KeyEventManage},
		permissionCheck{domain.TypeRef(domain.ObjectUser), domain.KeyRead},
	); err != nil {
		abortWithError(c, err)
		return
	}
	l := domain.NewUserLookup(c.Query("q"))
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			n = 0 // not a whole number: Validate names the field
		}
		l.Limit = n
	}
	if err := l.Validate(); err != nil {
		abortWithError(c, err)
		return
	}
	users, err := s.users.LookupUsers(c.Request.Context(), l)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(users, ""))
}

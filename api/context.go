package api

import (
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// Keys under which middleware leaves values in the Gin context.
const (
	ctxRequestID = "labforge.request_id"
	ctxLogger    = "labforge.logger"
	ctxUser      = "labforge.user"
	// ctxAPIKey holds the *domain.APIKey a request authenticated with,
	// if it did with one.
	ctxAPIKey = "labforge.api_key"
)

func requestID(c *gin.Context) string { return c.GetString(ctxRequestID) }

func loggerFrom(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// currentUser returns the authenticated user; routes behind authenticate
// always have one.
func currentUser(c *gin.Context) *domain.User {
	return c.MustGet(ctxUser).(*domain.User)
}

func subjectOf(u *domain.User) domain.Subject {
	return domain.Subject{UserID: u.ID, Roles: u.Roles}
}

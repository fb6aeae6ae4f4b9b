package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
	"github.com/labforge/labforge/internal/mail"
)

// PasswordResetRequest asks for a reset link for the local account with
// the e-mail address.
type PasswordResetRequest struct {
	Email string `json:"email"`
}

// SetPasswordRequest sets a new password with a reset link's token.
type SetPasswordRequest struct {
	Password string `json:"password"`
}

// ChangePasswordRequest changes the signed-in user's own password.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	Password        string `json:"password"`
}

// MessageBody is a response that only tells the caller something.
type MessageBody struct {
	Message string `json:"message"`
}

const resetRequested = "If a local account has this e-mail address, a link to reset its password is on its way; it works once, for 1 hour."

// requestPasswordReset answers POST /auth/password-reset: 202 with the
// same message whether or not a local account has the address, so that
// the answer does not tell who has an account.
func (s *Server) requestPasswordReset(c *gin.Context) {
	var req PasswordResetRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	v.Check(domain.ValidEmail(req.Email), "email", "must be an e-mail address such as ada@example.org")
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	token, hash := auth.NewLinkToken()
	expires := time.Now().Add(domain.PasswordResetTTL).Truncate(time.Microsecond)
	u, err := s.accounts.CreatePasswordReset(c.Request.Context(), req.Email, hash, expires)
	switch {
	case domain.IsKind(err, domain.KindNotFound):
		c.JSON(http.StatusAccepted, MessageBody{Message: resetRequested})
		return
	case err != nil:
		abortWithError(c, err)
		return
	}
	// Answer before the e-mail is rendered, logged and handed to
	// Temporal, so that the time to answer does not tell either.
	// Content-Length tells the client the answer is complete, so it does
	// not wait for the rest of the handler.
	body, err := json.Marshal(MessageBody{Message: resetRequested})
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(http.StatusAccepted, "application/json; charset=utf-8", body)
	c.Writer.Flush()
	data := mail.AccountPasswordResetData{Recipient: mail.Person{Name: displayName(u), Email: u.Email}, Username: u.Username,
		URL: s.link("password-reset", token), ExpiresAt: expires}
	if err := s.sendAccountEmail(c, u.Email, mail.AccountPasswordReset, data); err != nil {
		loggerFrom(c).Error("a password-reset e-mail was not logged", slog.String("user_id", u.ID.String()), slog.Any("error", err))
	}
	s.writeAudit(c, &domain.AuditRecord{Action: "user.password_reset_requested", ObjectType: domain.ObjectUser, ObjectID: u.ID.String(),
		RequestID: requestID(c), ClientIP: c.ClientIP()})
}

// resetPassword answers POST /auth/password-reset/{token}: the link's
// account gets the new password and the link (with the account's other
// open links) stops working. The route's parameter is the token.
func (s *Server) resetPassword(c *gin.Context) {
	var req SetPasswordRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if err := domain.ValidatePassword("password", req.Password); err != nil {
		abortWithError(c, err)
		return
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var u *domain.User
	if err := s.outbox.Audited(c.Request.Context(), func(ctx context.Context) (*domain.AuditRecord, error) {
		var err error
		if u, err = s.accounts.ResetPassword(ctx, auth.HashLinkToken(c.Param("token")), hash); err != nil {
			return nil, err
		}
		return &domain.AuditRecord{Action: "user.password_reset", ObjectType: domain.ObjectUser, ObjectID: u.ID.String(),
			ActorID: u.ID, ActorName: u.Username, RequestID: requestID(c), ClientIP: c.ClientIP()}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	s.throttle.succeed(u.Username)
	c.Status(http.StatusNoContent)
}

// changeOwnPassword answers POST /me/password: a local account changes
// its password, giving the current one.
func (s *Server) changeOwnPassword(c *gin.Context) {
	var req ChangePasswordRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	v.Check(req.CurrentPassword != "", "current_password", "is required")
	if err := mergeErrors(v.Err(), domain.ValidatePassword("password", req.Password)); err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	u, err := s.users.FindUserByID(ctx, currentUser(c).ID)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if u.Source != domain.AuthLocal {
		abortWithError(c, domain.Conflictf("your account signs in through %s; change the password there", u.Source))
		return
	}
	if !auth.CheckPassword(req.CurrentPassword, u.PasswordHash) {
		abortWithError(c, &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
			Fields: map[string]string{"current_password": "is not your current password"}})
		return
	}
	if u.PasswordHash, err = auth.HashPassword(req.Password); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.users.UpdateUser(ctx, u); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"user.password_change", domain.ObjectUser, u.ID.String(), nil, nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

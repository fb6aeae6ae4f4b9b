package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

// listEmails answers GET /email-log, newest first, filtered by status,
// template and recipient. Administrators only.
func (s *Server) listEmails(c *gin.Context) {
	if err := s.adminOnly(c, domain.KeyRead); err != nil {
		abortWithError(c, err)
		return
	}
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f := domain.EmailFilter{Status: domain.EmailStatus(c.Query("status")), TemplateKey: c.Query("template"),
		Recipient: c.Query("recipient"), Page: page}
	var v domain.Validator
	v.Check(f.Status == "" || domain.ValidEmailStatus(f.Status), "status", "must be queued, sent, failed or skipped")
	if f.TemplateKey != "" {
		_, ok := mail.Lookup(f.TemplateKey)
		v.Check(ok, "template", "must be a template key such as "+mail.EventDeployed)
	}
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	emails, next, err := s.emails.ListEmails(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(emails, next))
}

// resendEmail answers POST /email-log/{id}/resend: a failed e-mail is put
// back in the queue, as it was rendered, and the SendEmail workflow sends
// it (202 with the queued entry). Administrators only.
func (s *Server) resendEmail(c *gin.Context) {
	if err := s.adminOnly(c, domain.KeyUpdate); err != nil {
		abortWithError(c, err)
		return
	}
	id, err := pathID(c, "e-mail")
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	e, err := s.emails.RequeueEmail(ctx, id)
	if err != nil {
		abortWithError(c, err)
		return
	}
	// A start that fails marks the e-mail failed again (this counts as an
	// attempt), so that it can be resent once Temporal answers.
	if err := s.startSendEmail(ctx, c, e, e.Attempts, "the resend could not start"); err != nil {
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, "email.resend", "email", e.ID.String(), nil, map[string]any{"recipient": e.Recipient, "template": e.TemplateKey})
	c.JSON(http.StatusAccepted, e)
}

package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/workflows"
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
	t := workflows.SendEmailType
	wfID := workflows.SendEmailWorkflowID(e.ID, e.Attempts)
	run, err := s.temporal.ExecuteWorkflow(ctx, t.StartOptions(wfID), t.Name, workflows.SendEmailInput{EmailID: e.ID})
	if _, running := workflows.RunningWorkflow(err); running {
		abortWithError(c, domain.Conflictf("e-mail %s is being sent already", e.ID))
		return
	}
	if err != nil {
		// Failed again, so that it can be resent once Temporal answers
		// (this counts as an attempt).
		if _, rerr := s.emails.RecordEmailAttempt(ctx, e.ID, domain.EmailFailed, "the resend could not start: "+err.Error()); rerr != nil {
			s.logger.Error("a requeued e-mail stays queued without a sender", slog.String("email_id", e.ID.String()), slog.Any("error", rerr))
		}
		abortWithError(c, err)
		return
	}
	s.logger.Info("resending e-mail", slog.String("email_id", e.ID.String()), slog.String("workflow_id", wfID),
		slog.String("run_id", run.GetRunID()), slog.String("request_id", requestID(c)))
	s.recordAudit(c, "email.resend", "email", e.ID.String(), nil, map[string]any{"recipient": e.Recipient, "template": e.TemplateKey})
	c.JSON(http.StatusAccepted, e)
}

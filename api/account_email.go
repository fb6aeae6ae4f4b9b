package api

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/workflows"
)

// sendAccountEmail renders the e-mail of template key with data (the
// administrator's saved template, or the default), logs it as queued and
// starts the SendEmail workflow for it, as a resend does. The e-mail is
// part of a change that has happened already, so a failure after it was
// logged does not fail the request: the entry is marked failed, for an
// administrator to resend from the e-mail log, and the error is logged.
func (s *Server) sendAccountEmail(c *gin.Context, to, key string, data any) error {
	// The caller may have had its answer already (password reset).
	ctx := context.WithoutCancel(c.Request.Context())
	spec, tmpl, err := mail.Effective(ctx, s.emails, key)
	if err != nil {
		return err
	}
	r, fellBack, err := spec.RenderWithFallback(tmpl, data)
	if fellBack != nil {
		loggerFrom(c).Warn("the saved e-mail template cannot render this e-mail; using the default", slog.String("template", key), slog.Any("error", fellBack))
	}
	if err != nil {
		return err
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	e := &domain.Email{ID: uuid.New(), Recipient: to, TemplateKey: key, Subject: r.Subject, Body: r.HTML, Data: raw}
	if err := s.emails.CreateEmail(ctx, e); err != nil {
		return err
	}
	t := workflows.SendEmailType
	wfID := workflows.SendEmailWorkflowID(e.ID, 0)
	run, err := s.temporal.ExecuteWorkflow(ctx, t.StartOptions(wfID), t.Name, workflows.SendEmailInput{EmailID: e.ID})
	if err == nil {
		loggerFrom(c).Info("sending account e-mail", slog.String("email_id", e.ID.String()), slog.String("template", key),
			slog.String("workflow_id", wfID), slog.String("run_id", run.GetRunID()))
		return nil
	}
	loggerFrom(c).Error("an account e-mail could not be sent; resend it from the e-mail log",
		slog.String("email_id", e.ID.String()), slog.String("template", key), slog.Any("error", err))
	if _, rerr := s.emails.RecordEmailAttempt(ctx, e.ID, domain.EmailFailed, "the sending could not start: "+err.Error()); rerr != nil {
		loggerFrom(c).Error("an account e-mail stays queued without a sender", slog.String("email_id", e.ID.String()), slog.Any("error", rerr))
	}
	return nil
}

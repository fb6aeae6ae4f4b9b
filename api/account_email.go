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
	if err := s.startSendEmail(ctx, c, e, 0, "the sending could not start"); err != nil {
		loggerFrom(c).Error("an account e-mail could not be sent; resend it from the e-mail log",
			slog.String("email_id", e.ID.String()), slog.String("template", key), slog.Any("error", err))
	}
	return nil
}

// startSendEmail starts the SendEmail workflow for the queued e-mail e,
// its attempt'th sending. When the start fails, other than because the
// e-mail is being sent already (a Conflict), e is marked failed with why
// and the error, so that an administrator can resend it from the e-mail
// log.
func (s *Server) startSendEmail(ctx context.Context, c *gin.Context, e *domain.Email, attempt int, why string) error {
	t := workflows.SendEmailType
	wfID := workflows.SendEmailWorkflowID(e.ID, attempt)
	run, err := s.temporal.ExecuteWorkflow(ctx, t.StartOptions(wfID), t.Name, workflows.SendEmailInput{EmailID: e.ID})
	if _, running := workflows.RunningWorkflow(err); running {
		return domain.Conflictf("e-mail %s is being sent already", e.ID)
	}
	if err != nil {
		if _, rerr := s.emails.RecordEmailAttempt(ctx, e.ID, domain.EmailFailed, why+": "+err.Error()); rerr != nil {
			loggerFrom(c).Error("an e-mail stays queued without a sender", slog.String("email_id", e.ID.String()), slog.Any("error", rerr))
		}
		return err
	}
	loggerFrom(c).Info("sending e-mail", slog.String("email_id", e.ID.String()), slog.String("template", e.TemplateKey),
		slog.String("workflow_id", wfID), slog.String("run_id", run.GetRunID()))
	return nil
}

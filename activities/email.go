package activities

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

// Email renders, logs and sends the platform's e-mails (queue core).
type Email struct {
	Store domain.EmailStore
	// Sender delivers the messages; nil when e-mail is not configured
	// (LABFORGE_SMTP_HOST is empty): SendEmail then marks them skipped.
	Sender mail.Sender
	Logger *slog.Logger
}

func (a *Email) validate() error {
	if a.Store == nil {
		return errors.New("the e-mail activities need an e-mail store")
	}
	return nil
}

// SkippedNotConfigured is the error a skipped e-mail is logged with.
const SkippedNotConfigured = "skipped: email is not configured"

// QueueEmailInput asks for one e-mail: template Template rendered with
// Data (JSON of the template's data struct, see internal/mail) to To. ID
// is the log entry's id, chosen by the caller so that a retry adds it once.
type QueueEmailInput struct {
	ID       uuid.UUID
	To       string
	Template string
	Data     json.RawMessage
}

// QueueEmail renders the template (an administrator's saved version, or
// the default when there is none or it fails on these data) and adds the
// e-mail to the log as queued. It is idempotent
// by ID: a retry returns the entry the first attempt added. An unknown
// template or data that does not fit it is Invalid (non-retryable).
func (a *Email) QueueEmail(ctx context.Context, in QueueEmailInput) (uuid.UUID, error) {
	if in.ID == uuid.Nil {
		return uuid.Nil, classify(domain.Errorf(domain.KindInvalid, "an e-mail needs an id"))
	}
	spec, tmpl, err := mail.Effective(ctx, a.Store, in.Template)
	if err != nil {
		return uuid.Nil, classify(err)
	}
	data, err := spec.Decode(in.Data)
	if err != nil {
		return uuid.Nil, classify(err)
	}
	r, fellBack, err := spec.RenderWithFallback(tmpl, data)
	if fellBack != nil {
		logger(a.Logger).Warn("the saved e-mail template cannot render this e-mail; using the default",
			slog.String("template", spec.Key), slog.String("email_id", in.ID.String()), slog.Any("error", fellBack))
	}
	if err != nil {
		return uuid.Nil, classify(domain.Wrap(err, domain.KindInvalid, err.Error()))
	}
	e := &domain.Email{ID: in.ID, Recipient: in.To, TemplateKey: spec.Key, Subject: r.Subject, Body: r.HTML, Data: in.Data}
	if err := a.Store.CreateEmail(ctx, e); err != nil {
		return uuid.Nil, classify(err)
	}
	return e.ID, nil
}

// SendEmailInput names the queued log entry to send. MaxAttempts is the
// retry policy's attempt limit: the attempt that reaches it records a
// temporary failure as failed rather than queued.
type SendEmailInput struct {
	EmailID     uuid.UUID
	MaxAttempts int32
}

// SendEmailResult is how the entry ended.
type SendEmailResult struct {
	Status   domain.EmailStatus
	Attempts int
}

// SendEmail sends the queued log entry and records the outcome with the
// attempt in one statement right after the server answers. It is
// idempotent by entry: an entry that is no longer queued (sent, failed,
// skipped) is not sent again, so a retry after the server accepted the
// message and the outcome was recorded sends nothing.
//
// The one window it cannot close: the server accepted the message (250
// after DATA) but the worker died, or PostgreSQL failed, before "sent" was
// recorded; the retry then sends the message a second time. SMTP has no
// way to ask a server whether it already holds a message; the Message-ID
// (the entry's id) is the same, so receivers can tell the two apart.
//
// A temporary failure (SMTP 4xx, network, timeout) keeps the entry queued
// with its error and is retried (type EmailTemporary); a permanent one
// (5xx, login refused, bad address or configuration), or a temporary one
// on the last attempt, records it failed (type EmailFailed,
// non-retryable). Without a Sender the entry is recorded skipped.
func (a *Email) SendEmail(ctx context.Context, in SendEmailInput) (SendEmailResult, error) {
	log := logger(a.Logger).With(slog.String("email_id", in.EmailID.String()))
	e, err := a.Store.FindEmail(ctx, in.EmailID)
	if err != nil {
		return SendEmailResult{}, classify(err)
	}
	log = log.With(slog.String("template", e.TemplateKey), slog.String("recipient", e.Recipient))
	if e.Status != domain.EmailQueued {
		return SendEmailResult{Status: e.Status, Attempts: e.Attempts}, nil
	}
	if a.Sender == nil {
		log.Info(SkippedNotConfigured)
		return a.record(ctx, e.ID, domain.EmailSkipped, SkippedNotConfigured)
	}
	sendErr := a.Sender.Send(ctx, mail.Message{To: e.Recipient, Subject: e.Subject, HTML: e.Body, ID: e.ID.String()})
	if sendErr == nil {
		log.Info("e-mail sent")
		return a.record(ctx, e.ID, domain.EmailSent, "")
	}
	last := in.MaxAttempts > 0 && activity.GetInfo(ctx).Attempt >= in.MaxAttempts
	if mail.IsTemporary(sendErr) && !last {
		log.Warn("e-mail not sent; retrying", slog.Any("error", sendErr))
		if _, err := a.record(ctx, e.ID, domain.EmailQueued, sendErr.Error()); err != nil {
			return SendEmailResult{}, err
		}
		return SendEmailResult{}, temporal.NewApplicationErrorWithCause(sendErr.Error(), ErrTypeEmailTemporary, sendErr)
	}
	log.Error("e-mail failed", slog.Any("error", sendErr))
	res, err := a.record(ctx, e.ID, domain.EmailFailed, sendErr.Error())
	if err != nil {
		return res, err
	}
	return res, temporal.NewNonRetryableApplicationError(sendErr.Error(), ErrTypeEmailFailed, sendErr)
}

// record stores an attempt's outcome. Losing the race with another
// attempt (Conflict: the entry is no longer queued) is not an error: the
// other attempt's outcome stands.
func (a *Email) record(ctx context.Context, id uuid.UUID, status domain.EmailStatus, msg string) (SendEmailResult, error) {
	e, err := a.Store.RecordEmailAttempt(ctx, id, status, msg)
	if domain.IsKind(err, domain.KindConflict) {
		if e, err = a.Store.FindEmail(ctx, id); err == nil {
			return SendEmailResult{Status: e.Status, Attempts: e.Attempts}, nil
		}
	}
	if err != nil {
		// Retryable unless the entry vanished: the retry re-reads it.
		return SendEmailResult{}, classify(err)
	}
	return SendEmailResult{Status: e.Status, Attempts: e.Attempts}, nil
}

package domain

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// EmailTemplate is the subject and HTML body of one kind of e-mail (Key,
// such as "event.deployed"). Labforge ships a default for every key
// (internal/mail); an administrator's saved version overrides it.
type EmailTemplate struct {
	Key     string `json:"key"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	// Customized is true when an administrator's version overrides the default.
	Customized bool       `json:"customized"`
	UpdatedAt  *time.Time `json:"updated_at,omitempty"`
	UpdatedBy  *uuid.UUID `json:"updated_by,omitempty"`
}

// EmailStatus is where one e-mail of the log stands.
type EmailStatus string

// E-mail statuses. Queued e-mails are being sent (a temporary failure
// keeps them queued, with its error, while retries remain); skipped ones
// were not sent because e-mail is not configured.
const (
	EmailQueued  EmailStatus = "queued"
	EmailSent    EmailStatus = "sent"
	EmailFailed  EmailStatus = "failed"
	EmailSkipped EmailStatus = "skipped"
)

// ValidEmailStatus reports whether s is an e-mail status.
func ValidEmailStatus(s EmailStatus) bool {
	switch s {
	case EmailQueued, EmailSent, EmailFailed, EmailSkipped:
		return true
	}
	return false
}

// Email is one entry of the e-mail log: one message to one recipient,
// rendered when it was queued, with the template data it was rendered
// from, so that it can be sent again as it was.
type Email struct {
	ID          uuid.UUID       `json:"id"`
	Recipient   string          `json:"recipient"`
	TemplateKey string          `json:"template"`
	Subject     string          `json:"subject"`
	Body        string          `json:"body"`
	Data        json.RawMessage `json:"data"`
	Status      EmailStatus     `json:"status"`
	Error       string          `json:"error,omitempty"`
	Attempts    int             `json:"attempts"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	SentAt      *time.Time      `json:"sent_at,omitempty"`
}

// EmailFilter narrows ListEmails. Zero fields match everything.
type EmailFilter struct {
	Status      EmailStatus
	TemplateKey string
	Recipient   string
	Page        Page
}

// EmailStore keeps the administrators' e-mail templates and the e-mail log.
type EmailStore interface {
	// ListEmailTemplates returns the saved (customized) templates, by key.
	ListEmailTemplates(ctx context.Context) ([]EmailTemplate, error)
	// FindEmailTemplate returns the saved template of key, or KindNotFound
	// when none is saved (the default applies).
	FindEmailTemplate(ctx context.Context, key string) (*EmailTemplate, error)
	// SaveEmailTemplate stores t as the template of t.Key, setting
	// UpdatedAt. The caller has validated it.
	SaveEmailTemplate(ctx context.Context, t *EmailTemplate) error

	// CreateEmail adds e to the log as queued, unless an entry with its ID
	// exists (then it loads that one into e): a retried caller creates it
	// once. It sets CreatedAt and UpdatedAt.
	CreateEmail(ctx context.Context, e *Email) error
	// FindEmail returns the log entry or KindNotFound.
	FindEmail(ctx context.Context, id uuid.UUID) (*Email, error)
	// ListEmails returns the entries f selects, newest first, and the
	// cursor of the next page ("" at the end).
	ListEmails(ctx context.Context, f EmailFilter) ([]Email, string, error)
	// RecordEmailAttempt counts an attempt at sending the queued entry and
	// stores its outcome: status (sent, failed, skipped, or queued after a
	// temporary failure) and error; sent sets SentAt. It returns
	// KindConflict when the entry is no longer queued and KindNotFound.
	RecordEmailAttempt(ctx context.Context, id uuid.UUID, status EmailStatus, errMsg string) (*Email, error)
	// RequeueEmail puts a failed entry back in the queue, for a resend. It
	// returns KindConflict when the entry has not failed, and KindNotFound.
	RequeueEmail(ctx context.Context, id uuid.UUID) (*Email, error)
}

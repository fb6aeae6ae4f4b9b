package store

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

var _ domain.EmailStore = (*DB)(nil)

const emailTemplateColumns = `key, subject, body, updated_at, updated_by`

func scanEmailTemplate(r rowScanner) (domain.EmailTemplate, error) {
	var t domain.EmailTemplate
	err := r.Scan(&t.Key, &t.Subject, &t.Body, &t.UpdatedAt, &t.UpdatedBy)
	t.Customized = true
	return t, err
}

// ListEmailTemplates returns the saved (customized) templates, by key.
func (db *DB) ListEmailTemplates(ctx context.Context) ([]domain.EmailTemplate, error) {
	rows, err := db.q.Query(ctx, `SELECT `+emailTemplateColumns+` FROM email_templates ORDER BY key`)
	if err != nil {
		return nil, mapErr(err, "e-mail templates")
	}
	ts, err := collect(rows, scanEmailTemplate)
	return ts, mapErr(err, "e-mail templates")
}

// FindEmailTemplate returns the saved template of key, or KindNotFound.
func (db *DB) FindEmailTemplate(ctx context.Context, key string) (*domain.EmailTemplate, error) {
	t, err := scanEmailTemplate(db.q.QueryRow(ctx,
		`SELECT `+emailTemplateColumns+` FROM email_templates WHERE key = $1`, key))
	if err != nil {
		return nil, mapErr(err, "saved e-mail template "+key)
	}
	return &t, nil
}

// SaveEmailTemplate stores t as the template of t.Key, replacing a saved one.
func (db *DB) SaveEmailTemplate(ctx context.Context, t *domain.EmailTemplate) error {
	err := db.q.QueryRow(ctx, `
		INSERT INTO email_templates (key, subject, body, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET subject = $2, body = $3, updated_by = $4, updated_at = now()
		RETURNING updated_at`,
		t.Key, t.Subject, t.Body, t.UpdatedBy,
	).Scan(&t.UpdatedAt)
	t.Customized = err == nil
	return mapErr(err, "e-mail template "+t.Key)
}

const emailColumns = `id, recipient, template_key, subject, body, data, status, error, attempts, created_at, updated_at, sent_at`

func scanEmail(r rowScanner) (domain.Email, error) {
	var e domain.Email
	var data []byte
	err := r.Scan(&e.ID, &e.Recipient, &e.TemplateKey, &e.Subject, &e.Body, &data, &e.Status, &e.Error,
		&e.Attempts, &e.CreatedAt, &e.UpdatedAt, &e.SentAt)
	e.Data = json.RawMessage(data)
	return e, err
}

// CreateEmail adds e to the log as queued, unless an entry with its ID
// exists: then it loads that entry into e.
func (db *DB) CreateEmail(ctx context.Context, e *domain.Email) error {
	data := e.Data
	if len(data) == 0 || string(data) == "null" {
		data = json.RawMessage(`{}`)
	}
	// The no-op update makes RETURNING yield the existing row on a retry.
	got, err := scanEmail(db.q.QueryRow(ctx, `
		INSERT INTO email_log (id, recipient, template_key, subject, body, data)
		VALUES (COALESCE($1, gen_random_uuid()), $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET id = email_log.id
		RETURNING `+emailColumns,
		nullID(e.ID), e.Recipient, e.TemplateKey, e.Subject, e.Body, []byte(data)))
	if err != nil {
		return mapErr(err, "e-mail")
	}
	*e = got
	return nil
}

// FindEmail returns the log entry or KindNotFound.
func (db *DB) FindEmail(ctx context.Context, id uuid.UUID) (*domain.Email, error) {
	e, err := scanEmail(db.q.QueryRow(ctx, `SELECT `+emailColumns+` FROM email_log WHERE id = $1`, id))
	if err != nil {
		return nil, mapErr(err, "e-mail "+id.String())
	}
	return &e, nil
}

// ListEmails returns the entries f selects, newest first, and the cursor
// of the next page.
func (db *DB) ListEmails(ctx context.Context, f domain.EmailFilter) ([]domain.Email, string, error) {
	var c conds
	if f.Status != "" {
		c.add("status = %s", f.Status)
	}
	if f.TemplateKey != "" {
		c.add("template_key = %s", f.TemplateKey)
	}
	if f.Recipient != "" {
		c.add("lower(recipient) = lower(%s)", f.Recipient)
	}
	return list(ctx, db, listQuery[domain.Email]{
		from: "email_log", columns: emailColumns, orderBy: "created_at DESC, id DESC", what: "e-mails",
		after: func(c *conds, at cursor) { c.add("(created_at, id) < (%s, %s)", at.T, at.ID) },
		scan:  scanEmail,
		key:   func(e *domain.Email) cursor { return cursor{T: e.CreatedAt, ID: e.ID} },
	}, c, f.Page)
}

// RecordEmailAttempt counts an attempt at the queued entry and stores its
// outcome in one statement, so that "sent" is recorded together with the
// attempt that sent it.
func (db *DB) RecordEmailAttempt(ctx context.Context, id uuid.UUID, status domain.EmailStatus, errMsg string) (*domain.Email, error) {
	e, err := scanEmail(db.q.QueryRow(ctx, `
		UPDATE email_log SET status = $2, error = $3, attempts = attempts + 1, updated_at = now(),
			sent_at = CASE WHEN $2 = 'sent' THEN now() END
		WHERE id = $1 AND status = 'queued'
		RETURNING `+emailColumns, id, status, errMsg))
	if err == nil {
		return &e, nil
	}
	return nil, db.notQueued(ctx, id, err, "is not queued")
}

// RequeueEmail puts a failed entry back in the queue, clearing its error.
func (db *DB) RequeueEmail(ctx context.Context, id uuid.UUID) (*domain.Email, error) {
	e, err := scanEmail(db.q.QueryRow(ctx, `
		UPDATE email_log SET status = 'queued', error = '', updated_at = now()
		WHERE id = $1 AND status = 'failed'
		RETURNING `+emailColumns, id))
	if err == nil {
		return &e, nil
	}
	return nil, db.notQueued(ctx, id, err, "has not failed")
}

// notQueued explains why a status-guarded update of entry id changed no
// row: the entry does not exist (KindNotFound) or is in another status
// (KindConflict, naming it).
func (db *DB) notQueued(ctx context.Context, id uuid.UUID, err error, why string) error {
	mapped := mapErr(err, "e-mail "+id.String())
	if !domain.IsKind(mapped, domain.KindNotFound) {
		return mapped
	}
	e, ferr := db.FindEmail(ctx, id)
	if ferr != nil {
		return ferr
	}
	return domain.Conflictf("e-mail %s %s; it is %s", id, why, e.Status)
}

-- +goose Up
-- Administrators' versions of the e-mail templates; a key without a row
-- uses the default shipped in internal/mail.
CREATE TABLE email_templates (
    key        text PRIMARY KEY,
    subject    text NOT NULL,
    body       text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid REFERENCES users (id) ON DELETE SET NULL
);

-- The e-mail log: every message Labforge sends, as rendered when it was
-- queued (subject, body) and the template data it came from, so that a
-- failed one can be sent again.
CREATE TABLE email_log (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    recipient    text NOT NULL,
    template_key text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    data         jsonb NOT NULL DEFAULT '{}',
    status       text NOT NULL DEFAULT 'queued',
    error        text NOT NULL DEFAULT '',
    attempts     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    CONSTRAINT email_log_status_check CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
    CONSTRAINT email_log_recipient_check CHECK (recipient LIKE '%_@_%')
);
CREATE INDEX email_log_created_idx ON email_log (created_at DESC, id DESC);
CREATE INDEX email_log_status_idx ON email_log (status, created_at DESC);

-- +goose Down
DROP TABLE email_log;
DROP TABLE email_templates;

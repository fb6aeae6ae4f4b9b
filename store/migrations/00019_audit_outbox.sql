-- +goose Up
-- The audit outbox: an audited change inserts its audit record here in
-- the change's own transaction, so the record commits or rolls back with
-- it; the relay (internal/auditrelay) copies rows to MongoDB's audit_log,
-- in seq order, and deletes them. While MongoDB is down the rows wait
-- here. id is the record's id and becomes its MongoDB _id, so relaying a
-- row twice (a crash between the MongoDB insert and the delete) stores it
-- once. A record MongoDB refuses for itself (not for being down) is kept
-- with failed_at and last_error for an operator instead of blocking the
-- rows behind it. record is json, not jsonb, because jsonb refuses the
-- escape \u0000 that a record's free-form before/after may hold.
CREATE TABLE audit_outbox (
    id         uuid PRIMARY KEY,
    seq        bigint GENERATED ALWAYS AS IDENTITY,
    record     json NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    failed_at  timestamptz,
    last_error text
);
CREATE INDEX audit_outbox_pending_idx ON audit_outbox (seq) WHERE failed_at IS NULL;

-- +goose Down
DROP TABLE audit_outbox;

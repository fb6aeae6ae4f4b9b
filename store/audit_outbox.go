package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/labforge/labforge/domain"
)

// AuditOutboxChannel is the PostgreSQL notification channel on which a
// committed audit outbox row is announced (empty payload), so the relay
// wakes at once instead of polling.
const AuditOutboxChannel = "labforge_audit_outbox"

var _ domain.AuditOutbox = (*DB)(nil)

// Audited runs change and appends its audit record to audit_outbox in one
// transaction; see domain.AuditOutbox.
//
// The transaction travels in the context change receives: store methods
// called through the domain interfaces run their statements on it (see
// poolOrTx), and their own transactions become savepoints of it. So a
// handler wraps its store call and its record in Audited without any store
// method taking a transaction parameter. The alternatives were worse: a
// record passed to each mutating method would have to be built before the
// change it describes (ids and stored values unknown), and a request-wide
// transaction would hold locks across Temporal calls.
func (db *DB) Audited(ctx context.Context, change func(ctx context.Context) (*domain.AuditRecord, error)) error {
	return db.inTx(ctx, func(tx *DB) error {
		rec, err := change(withTx(ctx, tx.q))
		if err != nil || rec == nil {
			return err
		}
		return tx.enqueueAudit(ctx, rec)
	})
}

// enqueueAudit inserts rec into the outbox and announces it on commit. An
// id already in the outbox is not inserted twice.
func (db *DB) enqueueAudit(ctx context.Context, rec *domain.AuditRecord) error {
	var id uuid.UUID
	var err error
	if rec.ID == "" {
		id, err = uuid.NewV7()
		if err != nil {
			return domain.Wrap(err, domain.KindInternal, "generating an audit record id")
		}
		rec.ID = id.String()
	} else if id, err = uuid.Parse(rec.ID); err != nil {
		var v domain.Validator
		v.Check(false, "id", "must be a UUID")
		return v.Err()
	}
	if rec.Time.IsZero() {
		rec.Time = time.Now()
	}
	rec.Time = rec.Time.UTC().Truncate(time.Millisecond)
	body, err := json.Marshal(rec)
	if err != nil {
		return domain.Wrap(err, domain.KindInternal, "encoding the audit record "+rec.ID)
	}
	if _, err := db.q.Exec(ctx, `
		INSERT INTO audit_outbox (id, record, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
		id, body, rec.Time); err != nil {
		return mapErr(err, "audit record")
	}
	if _, err := db.q.Exec(ctx, `SELECT pg_notify($1, '')`, AuditOutboxChannel); err != nil {
		return mapErr(err, "audit record")
	}
	return nil
}

// AuditDelivery stores a batch of audit records elsewhere (MongoDB). It
// returns the ids of the records refused for their content, with the
// reason; every other record is stored. An error means the batch may not
// be stored and is to be tried again later.
type AuditDelivery func(ctx context.Context, recs []domain.AuditRecord) (refused map[string]string, err error)

// DrainAuditOutbox hands the oldest pending outbox records, at most limit,
// to deliver, oldest first, and then deletes the delivered rows and marks
// the refused ones failed (failed_at, last_error: kept for an operator and
// no longer handed out). It returns how many records it handed over (0
// when none is pending). When deliver fails, nothing changes in the outbox
// and deliver's error is returned.
//
// The rows stay locked (FOR UPDATE SKIP LOCKED) until they are deleted, so
// relays in several processes take different rows; a crash after deliver
// stored the records but before the delete hands them out again, and
// deliver must treat a record it already stored as stored (the ids are
// stable).
func (db *DB) DrainAuditOutbox(ctx context.Context, limit int, deliver AuditDelivery) (int, error) {
	n := 0
	err := db.inTx(ctx, func(tx *DB) error {
		rows, err := tx.q.Query(ctx, `
			SELECT record FROM audit_outbox WHERE failed_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`, limit)
		if err != nil {
			return mapErr(err, "audit outbox")
		}
		recs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.AuditRecord, error) {
			var rec domain.AuditRecord
			err := r.Scan(&rec)
			return rec, err
		})
		if err != nil || len(recs) == 0 {
			return mapErr(err, "audit outbox")
		}
		refused, err := deliver(ctx, recs)
		if err != nil {
			return err
		}
		n = len(recs)
		return tx.settleAuditOutbox(ctx, recs, refused)
	})
	return n, err
}

// settleAuditOutbox deletes the delivered records and marks the refused.
func (db *DB) settleAuditOutbox(ctx context.Context, recs []domain.AuditRecord, refused map[string]string) error {
	var done []string
	var failed, reasons []string
	for _, r := range recs {
		if reason, ok := refused[r.ID]; ok {
			failed, reasons = append(failed, r.ID), append(reasons, reason)
		} else {
			done = append(done, r.ID)
		}
	}
	if _, err := db.q.Exec(ctx, `DELETE FROM audit_outbox WHERE id = ANY($1::uuid[])`, done); err != nil {
		return mapErr(err, "audit outbox")
	}
	if len(failed) == 0 {
		return nil
	}
	_, err := db.q.Exec(ctx, `
		UPDATE audit_outbox o SET failed_at = now(), last_error = f.reason
		FROM unnest($1::uuid[], $2::text[]) AS f (id, reason) WHERE o.id = f.id`, failed, reasons)
	return mapErr(err, "audit outbox")
}

// AuditOutboxBacklog reports how many records wait in the outbox and how
// many of those MongoDB refused (kept with failed_at), for monitoring.
func (db *DB) AuditOutboxBacklog(ctx context.Context) (pending, failed int64, err error) {
	err = db.q.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE failed_at IS NULL), count(*) FILTER (WHERE failed_at IS NOT NULL) FROM audit_outbox`).
		Scan(&pending, &failed)
	return pending, failed, mapErr(err, "audit outbox")
}

package audit

import (
	"context"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/labforge/labforge/domain"
)

// AuditFilter narrows ListAudit; see domain.AuditFilter.
type AuditFilter = domain.AuditFilter

type auditDoc struct {
	ID         string    `bson:"_id"`
	Time       time.Time `bson:"time"`
	ActorID    string    `bson:"actor_id"`
	ActorName  string    `bson:"actor_name"`
	Action     string    `bson:"action"`
	ObjectType string    `bson:"object_type"`
	ObjectID   string    `bson:"object_id"`
	Before     document  `bson:"before,omitempty"`
	After      document  `bson:"after,omitempty"`
	RequestID  string    `bson:"request_id"`
	ClientIP   string    `bson:"client_ip"`
}

// RecordAudit appends rec to the audit log. It assigns rec.ID when empty
// (keeping a caller's id makes a retried call a no-op) and rec.Time when
// zero, and rounds rec.Time to the millisecond in UTC, as stored.
func (s *Store) RecordAudit(ctx context.Context, rec *domain.AuditRecord) error {
	if rec.ID == "" {
		rec.ID = newID()
	}
	rec.Time = roundTime(rec.Time)
	return s.insert(ctx, s.audit, newAuditDoc(rec))
}

func newAuditDoc(rec *domain.AuditRecord) auditDoc {
	return auditDoc{
		ID:         rec.ID,
		Time:       roundTime(rec.Time),
		ActorID:    rec.ActorID.String(),
		ActorName:  rec.ActorName,
		Action:     rec.Action,
		ObjectType: rec.ObjectType,
		ObjectID:   rec.ObjectID,
		Before:     rec.Before,
		After:      rec.After,
		RequestID:  rec.RequestID,
		ClientIP:   rec.ClientIP,
	}
}

// ListAudit returns audit records matching f, newest first, and the cursor
// of the next page ("" at the end). A cursor not returned by ListAudit is an
// error of kind domain.KindInvalid on the field "cursor".
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]domain.AuditRecord, string, error) {
	var filter bson.D
	filter = eq(filter, "object_type", f.ObjectType)
	filter = eq(filter, "object_id", f.ObjectID)
	filter = eq(filter, "action", f.Action)
	filter = eq(filter, "actor_name", f.ActorName)
	if f.ActorID != nil {
		filter = append(filter, bson.E{Key: "actor_id", Value: f.ActorID.String()})
	}
	filter = timeRange(filter, f.Since, f.Until)
	return listPage(ctx, s, s.audit, filter, f.Page, func(d auditDoc) (domain.AuditRecord, time.Time, string) {
		return domain.AuditRecord{
			ID:         d.ID,
			Time:       d.Time.UTC(),
			ActorID:    parseUUID(d.ActorID),
			ActorName:  d.ActorName,
			Action:     d.Action,
			ObjectType: d.ObjectType,
			ObjectID:   d.ObjectID,
			Before:     d.Before,
			After:      d.After,
			RequestID:  d.RequestID,
			ClientIP:   d.ClientIP,
		}, d.Time, d.ID
	})
}

// eq adds an equality condition on key unless value is empty.
func eq(filter bson.D, key, value string) bson.D {
	if value == "" {
		return filter
	}
	return append(filter, bson.E{Key: key, Value: value})
}

// parseUUID reads a stored UUID; the store writes only valid ones, so a bad
// value (written by hand) reads as uuid.Nil rather than failing the list.
func parseUUID(s string) uuid.UUID {
	id, _ := uuid.Parse(s)
	return id
}

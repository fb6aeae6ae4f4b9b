package audit

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/labforge/labforge/domain"
)

type systemEventDoc struct {
	ID         string          `bson:"_id"`
	Time       time.Time       `bson:"time"`
	Severity   domain.Severity `bson:"severity"`
	Kind       string          `bson:"kind"`
	Message    string          `bson:"message"`
	ObjectType string          `bson:"object_type,omitempty"`
	ObjectID   string          `bson:"object_id,omitempty"`
	Details    document        `bson:"details,omitempty"`
}

// AddSystemEvent appends ev to the system-event log, assigning ev.ID when
// empty and ev.Time when zero, and rounding ev.Time to the millisecond in
// UTC. Adding an id that is already stored is a no-op.
func (s *Store) AddSystemEvent(ctx context.Context, ev *domain.SystemEvent) error {
	if ev.ID == "" {
		ev.ID = newID()
	}
	ev.Time = roundTime(ev.Time)
	return s.insert(ctx, s.events, systemEventDoc{
		ID:         ev.ID,
		Time:       ev.Time,
		Severity:   ev.Severity,
		Kind:       ev.Kind,
		Message:    ev.Message,
		ObjectType: ev.ObjectType,
		ObjectID:   ev.ObjectID,
		Details:    ev.Details,
	})
}

// ListSystemEvents returns system events matching f newest first, and the
// cursor of the next page ("" at the end). A bad cursor is
// domain.KindInvalid.
func (s *Store) ListSystemEvents(ctx context.Context, f domain.SystemEventFilter) ([]domain.SystemEvent, string, error) {
	var filter bson.D
	filter = eq(filter, "kind", f.Kind)
	filter = eq(filter, "severity", string(f.Severity))
	filter = eq(filter, "object_type", f.ObjectType)
	filter = eq(filter, "object_id", f.ObjectID)
	return listPage(ctx, s, s.events, filter, f.Page, func(d systemEventDoc) (domain.SystemEvent, time.Time, string) {
		return domain.SystemEvent{
			ID:         d.ID,
			Time:       d.Time.UTC(),
			Severity:   d.Severity,
			Kind:       d.Kind,
			Message:    d.Message,
			ObjectType: d.ObjectType,
			ObjectID:   d.ObjectID,
			Details:    d.Details,
		}, d.Time, d.ID
	})
}

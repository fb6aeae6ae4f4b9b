package audit

import (
	"context"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/labforge/labforge/domain"
)

type eventActivityDoc struct {
	ID      string                   `bson:"_id"`
	EventID string                   `bson:"event_id"`
	Time    time.Time                `bson:"time"`
	Kind    domain.EventActivityKind `bson:"kind"`
	ActorID string                   `bson:"actor_id,omitempty"`
	Actor   string                   `bson:"actor,omitempty"`
	UserID  string                   `bson:"user_id,omitempty"`
	Message string                   `bson:"message,omitempty"`
	Details document                 `bson:"details,omitempty"`
}

var _ domain.EventActivityLog = (*Store)(nil)

// RecordEventActivity appends a to its event's timeline, assigning a.ID
// when empty and a.Time when zero, and rounding a.Time to the millisecond
// in UTC. Recording an id that is already stored is a no-op. Bad fields
// are domain.KindInvalid.
func (s *Store) RecordEventActivity(ctx context.Context, a *domain.EventActivity) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if a.ID == "" {
		a.ID = newID()
	}
	a.Time = roundTime(a.Time)
	doc := eventActivityDoc{ID: a.ID, EventID: a.EventID.String(), Time: a.Time, Kind: a.Kind,
		Actor: a.Actor, Message: a.Message, Details: a.Details}
	if a.ActorID != nil {
		doc.ActorID = a.ActorID.String()
	}
	if a.UserID != nil {
		doc.UserID = a.UserID.String()
	}
	return s.insert(ctx, s.timeline, doc)
}

// ListEventActivity returns the event's timeline newest first (oldest
// first with f.OldestFirst), only the entries about no participant or
// about f.VisibleTo when set, and the cursor of the next page ("" at the
// end). A bad cursor is domain.KindInvalid.
func (s *Store) ListEventActivity(ctx context.Context, f domain.EventActivityFilter) ([]domain.EventActivity, string, error) {
	filter := bson.D{{Key: "event_id", Value: f.EventID.String()}}
	if f.VisibleTo != nil {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "user_id", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "user_id", Value: f.VisibleTo.String()}},
		}})
	}
	return listPageOrdered(ctx, s, s.timeline, filter, f.Page, f.OldestFirst,
		func(d eventActivityDoc) (domain.EventActivity, time.Time, string) {
			a := domain.EventActivity{ID: d.ID, EventID: parseUUID(d.EventID), Time: d.Time.UTC(), Kind: d.Kind,
				Actor: d.Actor, Message: d.Message, Details: d.Details}
			a.ActorID, a.UserID = optionalUUID(d.ActorID), optionalUUID(d.UserID)
			return a, d.Time, d.ID
		})
}

// optionalUUID parses a stored id, nil when none was stored.
func optionalUUID(s string) *uuid.UUID {
	if s == "" {
		return nil
	}
	id := parseUUID(s)
	return &id
}

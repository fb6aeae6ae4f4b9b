package audit

import (
	"context"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/labforge/labforge/domain"
)

type activityDoc struct {
	ID         string    `bson:"_id"`
	Time       time.Time `bson:"time"`
	UserID     string    `bson:"user_id"`
	Message    string    `bson:"message"`
	ObjectType string    `bson:"object_type,omitempty"`
	ObjectID   string    `bson:"object_id,omitempty"`
}

// AddActivity appends e to its user's activity feed, assigning e.ID when
// empty and e.Time when zero, and rounding e.Time to the millisecond in UTC.
// Adding an id that is already stored is a no-op.
func (s *Store) AddActivity(ctx context.Context, e *domain.ActivityEntry) error {
	if e.ID == "" {
		e.ID = newID()
	}
	e.Time = roundTime(e.Time)
	return s.insert(ctx, s.activity, activityDoc{
		ID:         e.ID,
		Time:       e.Time,
		UserID:     e.UserID.String(),
		Message:    e.Message,
		ObjectType: e.ObjectType,
		ObjectID:   e.ObjectID,
	})
}

// ListActivity returns userID's activity feed newest first, and the cursor
// of the next page ("" at the end). A bad cursor is domain.KindInvalid.
func (s *Store) ListActivity(ctx context.Context, userID uuid.UUID, page domain.Page) ([]domain.ActivityEntry, string, error) {
	filter := bson.D{{Key: "user_id", Value: userID.String()}}
	return listPage(ctx, s, s.activity, filter, page, func(d activityDoc) (domain.ActivityEntry, time.Time, string) {
		return domain.ActivityEntry{
			ID:         d.ID,
			Time:       d.Time.UTC(),
			UserID:     parseUUID(d.UserID),
			Message:    d.Message,
			ObjectType: d.ObjectType,
			ObjectID:   d.ObjectID,
		}, d.Time, d.ID
	})
}

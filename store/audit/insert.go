package audit

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// newID returns a fresh record id: an ObjectID in hex, which sorts by
// creation time within a second.
func newID() string { return bson.NewObjectID().Hex() }

// insert appends doc to coll. Inserting an id that is already stored is a
// no-op, so an activity retried after a crash, passing the same id, does not
// append the record twice.
func (s *Store) insert(ctx context.Context, coll *mongo.Collection, doc any) error {
	_, err := coll.InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return nil
	}
	return s.classify(err, "appending to "+coll.Name())
}

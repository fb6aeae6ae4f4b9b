package audit

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// PurgeExpired deletes every record older than its collection's retention,
// counting from now, and returns how many it deleted. MongoDB does this by
// itself through the TTL indexes (about once a minute); on a server where
// ServerExpires is false (FerretDB) the dev stack calls this periodically.
// It is safe to call against either.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, c := range []struct {
		coll *mongo.Collection
		keep time.Duration
	}{{s.audit, s.retention.Audit}, {s.activity, s.retention.Activity}, {s.events, s.retention.SystemEvents},
		{s.timeline, s.retention.Audit}} {
		cutoff := roundTime(now.Add(-c.keep))
		res, err := c.coll.DeleteMany(ctx, bson.D{{Key: "time", Value: bson.D{{Key: "$lt", Value: cutoff}}}})
		if err != nil {
			return total, s.classify(err, fmt.Sprintf("purging %s", c.coll.Name()))
		}
		total += res.DeletedCount
	}
	return total, nil
}

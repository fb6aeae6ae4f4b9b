package audit

import (
	"context"
	"fmt"
	"math"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TTLIndexName names the index on the time field of every collection. With
// MongoDB it is a TTL index whose expireAfterSeconds is the collection's
// retention.
//
// FerretDB 1.24 (SQLite and PostgreSQL handlers alike) rejects the
// expireAfterSeconds index option and the collMod command with
// NotImplemented (code 238), and its listIndexes never reports
// expireAfterSeconds. Against such a server Open creates the same index
// without the option, so listing by time stays indexed, ServerExpires
// reports false, and PurgeExpired does the expiry instead. Against MongoDB
// the index is a real TTL index, and a changed retention is applied with
// collMod (or drop and re-create if collMod refuses) on the next Open.
const TTLIndexName = "time_ttl"

// maxTTLSeconds is the largest expireAfterSeconds MongoDB accepts (int32).
const maxTTLSeconds = math.MaxInt32

// Server error codes ensureTTL reacts to.
const (
	codeCommandNotFound     = 59
	codeCommandNotSupported = 115
	codeNotImplemented      = 238
	codeIndexNotFound       = 27
)

// queryIndexes are the indexes behind each collection's list filters. Every
// one ends in time and _id, the keyset order of the lists.
var queryIndexes = map[string][]mongo.IndexModel{
	AuditCollection: {
		named("object_time", bson.D{{Key: "object_type", Value: 1}, {Key: "object_id", Value: 1}, {Key: "time", Value: -1}, {Key: "_id", Value: -1}}),
		named("actor_time", bson.D{{Key: "actor_id", Value: 1}, {Key: "time", Value: -1}, {Key: "_id", Value: -1}}),
		named("actor_name_time", bson.D{{Key: "actor_name", Value: 1}, {Key: "time", Value: -1}, {Key: "_id", Value: -1}}),
		named("request_id", bson.D{{Key: "request_id", Value: 1}}),
	},
	ActivityCollection: {
		named("user_time", bson.D{{Key: "user_id", Value: 1}, {Key: "time", Value: -1}, {Key: "_id", Value: -1}}),
	},
	EventActivityCollection: {
		named("event_time", bson.D{{Key: "event_id", Value: 1}, {Key: "time", Value: -1}, {Key: "_id", Value: -1}}),
	},
	SystemEventsCollection: {
		named("kind_time", bson.D{{Key: "kind", Value: 1}, {Key: "time", Value: -1}, {Key: "_id", Value: -1}}),
		named("severity_time", bson.D{{Key: "severity", Value: 1}, {Key: "time", Value: -1}, {Key: "_id", Value: -1}}),
		named("object_time", bson.D{{Key: "object_type", Value: 1}, {Key: "object_id", Value: 1}, {Key: "time", Value: -1}, {Key: "_id", Value: -1}}),
	},
}

func named(name string, keys bson.D) mongo.IndexModel {
	return mongo.IndexModel{Keys: keys, Options: options.Index().SetName(name)}
}

// ensureIndexes creates the query indexes and brings each TTL index in line
// with the retention. It is idempotent and runs on every Open.
func (s *Store) ensureIndexes(ctx context.Context) error {
	serverTTL := true
	for _, c := range []struct {
		coll *mongo.Collection
		keep time.Duration
	}{{s.audit, s.retention.Audit}, {s.activity, s.retention.Activity}, {s.events, s.retention.SystemEvents},
		{s.timeline, s.retention.Audit}} {
		// One index per command: FerretDB 1.24 panics (and drops the
		// connection) on a createIndexes listing two or more indexes that
		// already exist.
		for _, idx := range queryIndexes[c.coll.Name()] {
			if _, err := c.coll.Indexes().CreateOne(ctx, idx); err != nil {
				return s.classify(err, fmt.Sprintf("creating the indexes of %s", c.coll.Name()))
			}
		}
		ttl, err := s.ensureTTL(ctx, c.coll, int64(c.keep/time.Second))
		if err != nil {
			return s.classify(err, fmt.Sprintf("creating the TTL index of %s", c.coll.Name()))
		}
		serverTTL = serverTTL && ttl
	}
	s.serverTTL = serverTTL
	return nil
}

// ensureTTL makes TTLIndexName on coll a TTL index expiring after seconds,
// or a plain index on time if the server has no TTL indexes. It reports
// whether the server took the TTL option.
func (s *Store) ensureTTL(ctx context.Context, coll *mongo.Collection, seconds int64) (bool, error) {
	current, found, err := ttlSeconds(ctx, coll)
	switch {
	case err != nil:
		return false, err
	case !found:
		return createTTL(ctx, coll, seconds)
	case current == seconds:
		return true, nil
	}
	err = s.db.RunCommand(ctx, bson.D{
		{Key: "collMod", Value: coll.Name()},
		{Key: "index", Value: bson.D{{Key: "name", Value: TTLIndexName}, {Key: "expireAfterSeconds", Value: seconds}}},
	}).Err()
	switch {
	case err == nil:
		return true, nil
	case current < 0 && hasCode(err, codeCommandNotFound, codeCommandNotSupported, codeNotImplemented):
		// The plain index a server without TTL indexes got last time
		// (MongoDB has had collMod for ever), so leave it alone.
		return false, nil
	case unreachable(err):
		return false, err
	}
	// collMod refused (an old MongoDB cannot turn a plain index into a TTL
	// index): replace the index. Another replica starting at the same time
	// may have dropped it already.
	if err := coll.Indexes().DropOne(ctx, TTLIndexName); err != nil && !hasCode(err, codeIndexNotFound) {
		return false, err
	}
	return createTTL(ctx, coll, seconds)
}

// createTTL creates TTLIndexName, falling back to a plain index when the
// server does not implement expireAfterSeconds.
func createTTL(ctx context.Context, coll *mongo.Collection, seconds int64) (bool, error) {
	keys := bson.D{{Key: "time", Value: 1}}
	_, err := coll.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    keys,
		Options: options.Index().SetName(TTLIndexName).SetExpireAfterSeconds(int32(seconds)),
	})
	if err == nil {
		return true, nil
	}
	if !hasCode(err, codeNotImplemented, codeCommandNotSupported) {
		return false, err
	}
	_, err = coll.Indexes().CreateOne(ctx, named(TTLIndexName, keys))
	return false, err
}

// ttlSeconds reads TTLIndexName's expireAfterSeconds from listIndexes:
// found is false when there is no such index, and seconds is -1 when the
// index exists without the option.
func ttlSeconds(ctx context.Context, coll *mongo.Collection) (seconds int64, found bool, err error) {
	cur, err := coll.Indexes().List(ctx)
	if err != nil {
		return 0, false, err
	}
	var specs []bson.M
	if err := cur.All(ctx, &specs); err != nil {
		return 0, false, err
	}
	for _, spec := range specs {
		if spec["name"] != TTLIndexName {
			continue
		}
		switch v := spec["expireAfterSeconds"].(type) {
		case int32:
			return int64(v), true, nil
		case int64:
			return v, true, nil
		case float64:
			return int64(v), true, nil
		default:
			return -1, true, nil
		}
	}
	return 0, false, nil
}

package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/audit"
	"github.com/labforge/labforge/store/audit/audittest"
)

// indexes returns the listIndexes specifications of coll, by name.
func indexes(t *testing.T, ctx context.Context, db *mongo.Database, coll string) map[string]bson.M {
	t.Helper()
	cur, err := db.Collection(coll).Indexes().List(ctx)
	require.NoError(t, err)
	var specs []bson.M
	require.NoError(t, cur.All(ctx, &specs))
	out := make(map[string]bson.M, len(specs))
	for _, s := range specs {
		out[s["name"].(string)] = s
	}
	return out
}

func rawDatabase(t *testing.T, ctx context.Context, name string) *mongo.Database {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(audittest.URI(t)))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c.Database(name)
}

func open(t *testing.T, ctx context.Context, db string, r audit.Retention) *audit.Store {
	t.Helper()
	s, err := audit.Open(ctx, audittest.URI(t), db, r)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func expireAfter(spec bson.M) (int64, bool) {
	switch v := spec["expireAfterSeconds"].(type) {
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		return int64(v), true
	}
	return 0, false
}

func TestIndexes(t *testing.T) {
	ctx := testContext(t)
	name := audittest.Database(t)
	db := rawDatabase(t, ctx, name)
	first := audit.Retention{Audit: 48 * time.Hour, Activity: 2 * time.Hour, SystemEvents: 3 * time.Hour}
	second := audit.Retention{Audit: 72 * time.Hour, Activity: time.Hour, SystemEvents: 3 * time.Hour}

	want := map[string][]string{
		audit.AuditCollection:        {audit.TTLIndexName, "object_time", "actor_time", "actor_name_time", "request_id"},
		audit.ActivityCollection:     {audit.TTLIndexName, "user_time"},
		audit.SystemEventsCollection: {audit.TTLIndexName, "kind_time", "severity_time", "object_time"},
	}
	check := func(s *audit.Store, r audit.Retention) {
		t.Helper()
		seconds := map[string]int64{
			audit.AuditCollection:        int64(r.Audit / time.Second),
			audit.ActivityCollection:     int64(r.Activity / time.Second),
			audit.SystemEventsCollection: int64(r.SystemEvents / time.Second),
		}
		for coll, names := range want {
			got := indexes(t, ctx, db, coll)
			for _, n := range names {
				assert.Contains(t, got, n, "%s.%s", coll, n)
			}
			ttl := got[audit.TTLIndexName]
			assert.Equal(t, bson.D{{Key: "time", Value: int32(1)}}, ttl["key"], coll)
			secs, ok := expireAfter(ttl)
			if s.ServerExpires() {
				assert.True(t, ok, "%s: TTL index without expireAfterSeconds", coll)
				assert.Equal(t, seconds[coll], secs, coll)
			} else {
				assert.False(t, ok, "%s: server reports expireAfterSeconds but refused it", coll)
			}
		}
	}

	s1 := open(t, ctx, name, first)
	check(s1, first)
	t.Logf("server expires documents itself: %v", s1.ServerExpires())

	s2 := open(t, ctx, name, second)
	assert.Equal(t, s1.ServerExpires(), s2.ServerExpires())
	check(s2, second)

	s3 := open(t, ctx, name, second)
	check(s3, second)
}

func TestPurgeExpiredFollowsRetention(t *testing.T) {
	ctx := testContext(t)
	name := audittest.Database(t)
	now := time.Now()
	s := open(t, ctx, name, audit.Retention{Audit: 3 * time.Hour, Activity: time.Hour, SystemEvents: time.Hour})

	for _, age := range []time.Duration{4 * time.Hour, 2 * time.Hour, time.Minute} {
		require.NoError(t, s.RecordAudit(ctx, &domain.AuditRecord{Time: now.Add(-age), Action: "vm.start", ObjectType: "vm", ObjectID: age.String()}))
	}
	n, err := s.PurgeExpired(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	// Shorter retention on the next start applies to the next purge.
	s = open(t, ctx, name, audit.Retention{Audit: time.Hour, Activity: time.Hour, SystemEvents: time.Hour})
	n, err = s.PurgeExpired(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	left, _, err := s.ListAudit(ctx, audit.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, left, 1)
	assert.Equal(t, time.Minute.String(), left[0].ObjectID)
}

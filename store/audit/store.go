// Package audit is the MongoDB store for Labforge's append-only records: the
// audit log, users' activity feeds, system events and events' timelines.
// Each kind lives in its own collection and is listed newest first (a
// timeline also oldest first) with keyset cursors. Records expire through a TTL index on their time field where the server keeps
// them (MongoDB), or through PurgeExpired where it does not (FerretDB, the
// dev stack's store).
package audit

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/redact"
)

// Collection names.
const (
	AuditCollection        = "audit_log"
	ActivityCollection     = "activity_feed"
	SystemEventsCollection = "system_events"
	// EventActivityCollection holds the events' timelines; it is kept as
	// long as the audit log.
	EventActivityCollection = "event_activity"
)

// openPingTimeout bounds Open's first ping when ctx has no earlier deadline,
// so a process fails fast with a sentence instead of hanging.
const openPingTimeout = 10 * time.Second

// Retention says how long each kind of record is kept. Every duration must
// be at least one second; in whole seconds it becomes the
// expireAfterSeconds of the collection's TTL index.
type Retention struct {
	Audit        time.Duration
	Activity     time.Duration
	SystemEvents time.Duration
}

// Store is the MongoDB implementation of domain.AuditLog, the activity feed
// and the system-event log. It is safe for concurrent use.
type Store struct {
	client    *mongo.Client
	db        *mongo.Database
	uri       string // redacted, for error messages
	retention Retention
	serverTTL bool

	audit    *mongo.Collection
	activity *mongo.Collection
	events   *mongo.Collection
	timeline *mongo.Collection
}

var _ domain.AuditLog = (*Store)(nil)

// Open connects to the MongoDB at uri, pings it and makes sure every
// collection has its indexes, with TTL indexes matching r (changed in place
// when r changed since the last start). An unreachable server is an error of
// kind domain.KindUnavailable; a bad retention is domain.KindInvalid.
func Open(ctx context.Context, uri, database string, r Retention) (*Store, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	if database == "" {
		return nil, domain.Errorf(domain.KindInvalid, "the MongoDB database name is empty")
	}
	redacted := redact.URL(uri)
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetAppName("labforge"))
	if err != nil {
		return nil, domain.Wrap(err, domain.KindInvalid, fmt.Sprintf("the MongoDB URI %s is not valid", redacted))
	}
	db := client.Database(database)
	s := &Store{
		client:    client,
		db:        db,
		uri:       redacted,
		retention: r,
		audit:     db.Collection(AuditCollection),
		activity:  db.Collection(ActivityCollection),
		events:    db.Collection(SystemEventsCollection),
		timeline:  db.Collection(EventActivityCollection),
	}

	pingCtx, cancel := context.WithTimeout(ctx, openPingTimeout)
	defer cancel()
	if err := s.Ping(pingCtx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// Ping checks that MongoDB answers; for /readyz. An unreachable server is an
// error of kind domain.KindUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	return s.classify(s.client.Ping(ctx, readpref.Primary()), "ping")
}

// Close disconnects from MongoDB, waiting for in-flight operations until ctx
// is done.
func (s *Store) Close(ctx context.Context) error {
	return s.client.Disconnect(ctx)
}

// ServerExpires reports whether the server accepted the TTL indexes and so
// deletes expired records itself (MongoDB does; FerretDB 1.24 does not).
// When it is false, call PurgeExpired periodically.
func (s *Store) ServerExpires() bool { return s.serverTTL }

func (r Retention) validate() error {
	var v domain.Validator
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"audit_retention", r.Audit}, {"activity_retention", r.Activity}, {"system_event_retention", r.SystemEvents}} {
		v.Check(f.d >= time.Second, f.name, "must be at least 1s")
		v.Check(f.d.Seconds() <= maxTTLSeconds, f.name, "must be at most 68 years")
	}
	return v.Err()
}

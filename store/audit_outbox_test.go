package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// drained takes every pending outbox record, as a relay whose deliveries
// all succeed would.
func drained(ctx context.Context, t *testing.T, db *store.DB) []domain.AuditRecord {
	t.Helper()
	var got []domain.AuditRecord
	for {
		n, err := db.DrainAuditOutbox(ctx, 2, func(_ context.Context, recs []domain.AuditRecord) (map[string]string, error) {
			got = append(got, recs...)
			return nil, nil
		})
		require.NoError(t, err)
		if n == 0 {
			return got
		}
	}
}

func TestAuditedCommitsTheRecordWithTheChange(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)

	var u *domain.User
	require.NoError(t, db.Audited(ctx, func(ctx context.Context) (*domain.AuditRecord, error) {
		u = newUser(ctx, t, db) // through the DB from Open, with the change's context
		return &domain.AuditRecord{Action: "user.create", ObjectType: domain.ObjectUser, ObjectID: u.ID.String(),
			After: map[string]any{"username": u.Username}}, nil
	}))
	_, err := db.FindUserByID(ctx, u.ID)
	require.NoError(t, err)

	got := drained(ctx, t, db)
	require.Len(t, got, 1)
	require.Equal(t, "user.create", got[0].Action)
	require.Equal(t, u.ID.String(), got[0].ObjectID)
	require.Equal(t, map[string]any{"username": u.Username}, got[0].After)
	id, err := uuid.Parse(got[0].ID)
	require.NoError(t, err, "the record gets a UUID")
	require.Equal(t, uuid.Version(7), id.Version())
	require.WithinDuration(t, time.Now(), got[0].Time, time.Minute)
	require.Equal(t, got[0].Time.Truncate(time.Millisecond), got[0].Time)
	require.Empty(t, drained(ctx, t, db), "a drained record is deleted")
}

func TestAuditedRollsBackTheRecordWithTheChange(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	boom := errors.New("boom")

	// The change fails after writing: neither the write nor a record stays.
	var u *domain.User
	err := db.Audited(ctx, func(ctx context.Context) (*domain.AuditRecord, error) {
		u = newUser(ctx, t, db)
		return nil, boom
	})
	require.ErrorIs(t, err, boom)
	_, err = db.FindUserByID(ctx, u.ID)
	requireKind(t, err, domain.KindNotFound, "")

	// The record cannot be stored: the change is undone too.
	err = db.Audited(ctx, func(ctx context.Context) (*domain.AuditRecord, error) {
		u = newUser(ctx, t, db)
		return &domain.AuditRecord{ID: "not-a-uuid", Action: "user.create"}, nil
	})
	requireKind(t, err, domain.KindInvalid, "")
	_, err = db.FindUserByID(ctx, u.ID)
	requireKind(t, err, domain.KindNotFound, "")

	// A change that writes nothing to PostgreSQL still gets its record,
	// whatever its text holds.
	require.NoError(t, db.Audited(ctx, func(context.Context) (*domain.AuditRecord, error) {
		return &domain.AuditRecord{Action: "auth.login_failed", ObjectID: "ada\x00"}, nil
	}))
	got := drained(ctx, t, db)
	require.Len(t, got, 1)
	require.Equal(t, "auth.login_failed", got[0].Action)
	require.Equal(t, "ada\x00", got[0].ObjectID)
}

func TestDrainAuditOutboxKeepsOrderAndRetries(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	for _, action := range []string{"a", "b", "c", "d"} {
		require.NoError(t, db.Audited(ctx, func(context.Context) (*domain.AuditRecord, error) {
			return &domain.AuditRecord{Action: action}, nil
		}))
	}

	// A failed delivery leaves the outbox as it was.
	down := errors.New("MongoDB is down")
	n, err := db.DrainAuditOutbox(ctx, 10, func(context.Context, []domain.AuditRecord) (map[string]string, error) {
		return nil, down
	})
	require.ErrorIs(t, err, down)
	require.Zero(t, n)
	pending, failed, err := db.AuditOutboxBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, [2]int64{4, 0}, [2]int64{pending, failed})

	// A refused record is kept aside; the others are delivered in order.
	var order []string
	n, err = db.DrainAuditOutbox(ctx, 3, func(_ context.Context, recs []domain.AuditRecord) (map[string]string, error) {
		for _, r := range recs {
			order = append(order, r.Action)
		}
		return map[string]string{recs[1].ID: "too large"}, nil
	})
	require.NoError(t, err)
	require.Equal(t, 3, n)
	for _, r := range drained(ctx, t, db) {
		order = append(order, r.Action)
	}
	require.Equal(t, []string{"a", "b", "c", "d"}, order)
	pending, failed, err = db.AuditOutboxBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, [2]int64{0, 1}, [2]int64{pending, failed})
	var reason string
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT last_error FROM audit_outbox WHERE failed_at IS NOT NULL`).Scan(&reason))
	require.Equal(t, "too large", reason)
}

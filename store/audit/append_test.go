package audit_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/audit/audittest"
)

// TestAppendAuditStoresEachRecordOnce appends a batch, then the same
// records again with new ones (a relay that stopped before deleting its
// outbox rows): every record is stored once, with the id and time given.
func TestAppendAuditStoresEachRecordOnce(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	recs := make([]domain.AuditRecord, 5)
	for i := range recs {
		recs[i] = domain.AuditRecord{ID: uuid.Must(uuid.NewV7()).String(), Time: base.Add(time.Duration(i) * time.Millisecond),
			ActorID: uuid.New(), ActorName: "alice", Action: "vm.start", ObjectType: "vm", ObjectID: "1",
			After: map[string]any{"n": float64(i)}}
	}

	refused, err := s.AppendAudit(ctx, recs[:3])
	require.NoError(t, err)
	require.Empty(t, refused)
	refused, err = s.AppendAudit(ctx, recs[1:])
	require.NoError(t, err, "records already stored are skipped")
	require.Empty(t, refused)
	refused, err = s.AppendAudit(ctx, nil)
	require.NoError(t, err)
	require.Empty(t, refused)

	got, _, err := s.ListAudit(ctx, domain.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, got, len(recs))
	for i, r := range got {
		want := recs[len(recs)-1-i]
		require.Equal(t, want.ID, r.ID)
		require.Equal(t, want.Time, r.Time)
		require.Equal(t, want.After, r.After)
	}
}

// TestAuditFilterByActorName finds records by the username the actor had.
func TestAuditFilterByActorName(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	for _, name := range []string{"alice", "bob", "alice"} {
		require.NoError(t, s.RecordAudit(ctx, &domain.AuditRecord{ActorName: name, Action: "vm.start"}))
	}
	got, _, err := s.ListAudit(ctx, domain.AuditFilter{ActorName: "alice"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, r := range got {
		require.Equal(t, "alice", r.ActorName)
	}
}

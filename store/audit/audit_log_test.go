package audit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/audit"
	"github.com/labforge/labforge/store/audit/audittest"
)

func TestAuditRoundTrip(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	when := time.Date(2026, 3, 4, 5, 6, 7, 891234567, time.FixedZone("CET", 3600))

	rec := &domain.AuditRecord{
		Time:       when,
		ActorID:    uuid.New(),
		ActorName:  "alice",
		Action:     "vm.update",
		ObjectType: "vm",
		ObjectID:   uuid.NewString(),
		Before: map[string]any{
			"name": "web-1", "cores": 2, "memory_mib": int64(8589934592), "ratio": 0.5, "on": true, "note": nil,
			"tags":  []any{"a", "b", 3},
			"net":   map[string]any{"bridge": "vmbr0", "vlan": 10, "ips": []any{map[string]any{"v4": "10.0.0.5"}}},
			"since": when.UTC().Truncate(time.Millisecond),
		},
		After:     map[string]any{"name": "web-2", "cores": 4},
		RequestID: "req-1",
		ClientIP:  "192.0.2.10",
	}
	require.NoError(t, s.RecordAudit(ctx, rec))
	assert.NotEmpty(t, rec.ID)
	assert.Equal(t, when.UTC().Truncate(time.Millisecond), rec.Time)
	assert.Equal(t, time.UTC, rec.Time.Location())

	got, next, err := s.ListAudit(ctx, audit.AuditFilter{})
	require.NoError(t, err)
	assert.Empty(t, next)
	require.Len(t, got, 1)
	assert.Equal(t, *rec, got[0])

	// Without Before/After, and with a zero time that the store fills in.
	bare := &domain.AuditRecord{Action: "vm.start", ObjectType: "vm", ObjectID: "x"}
	before := time.Now().Add(-time.Second)
	require.NoError(t, s.RecordAudit(ctx, bare))
	assert.WithinRange(t, bare.Time, before, time.Now().Add(time.Second))
	got, _, err = s.ListAudit(ctx, audit.AuditFilter{ObjectID: "x"})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, *bare, got[0])
	assert.Nil(t, got[0].Before)
}

func TestAuditCallerIDIsIdempotent(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	rec := domain.AuditRecord{ID: "op-123/audit", Action: "vm.delete", ObjectType: "vm", ObjectID: "v1"}
	for range 2 {
		r := rec
		require.NoError(t, s.RecordAudit(ctx, &r))
		assert.Equal(t, "op-123/audit", r.ID)
	}
	got, _, err := s.ListAudit(ctx, audit.AuditFilter{})
	require.NoError(t, err)
	assert.Len(t, got, 1)
}

func TestAuditFiltersAndPages(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	alice, bob := uuid.New(), uuid.New()
	base := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

	// 7 records for vm/1 by alice, two of them in the same millisecond so
	// that the cursor has to break a tie on the id; 3 for ct/2 by bob.
	var vm1 []domain.AuditRecord
	for i := range 7 {
		at := base.Add(time.Duration(i) * time.Minute)
		if i == 4 {
			at = base.Add(3 * time.Minute)
		}
		r := domain.AuditRecord{Time: at, ActorID: alice, Action: "vm.start", ObjectType: "vm", ObjectID: "1", RequestID: fmt.Sprint("r", i)}
		require.NoError(t, s.RecordAudit(ctx, &r))
		vm1 = append(vm1, r)
	}
	for i := range 3 {
		r := domain.AuditRecord{Time: base.Add(time.Duration(i)*time.Minute + time.Second), ActorID: bob, Action: "ct.create", ObjectType: "ct", ObjectID: "2"}
		require.NoError(t, s.RecordAudit(ctx, &r))
	}

	// Three pages of 3, 3 and 1 for vm/1, newest first, no repeats or gaps.
	var seen []domain.AuditRecord
	cursor := ""
	for pageNo := 1; ; pageNo++ {
		got, next, err := s.ListAudit(ctx, audit.AuditFilter{ObjectType: "vm", ObjectID: "1", Page: domain.Page{Limit: 3, Cursor: cursor}})
		require.NoError(t, err)
		seen = append(seen, got...)
		if pageNo < 3 {
			require.Len(t, got, 3, "page %d", pageNo)
			require.NotEmpty(t, next, "page %d", pageNo)
		} else {
			require.Len(t, got, 1, "page %d", pageNo)
			require.Empty(t, next)
			break
		}
		cursor = next
	}
	require.Len(t, seen, 7)
	for i := 1; i < len(seen); i++ {
		prev, cur := seen[i-1], seen[i]
		assert.True(t, prev.Time.After(cur.Time) || (prev.Time.Equal(cur.Time) && prev.ID > cur.ID), "order at %d", i)
	}
	assert.ElementsMatch(t, vm1, seen)

	count := func(f audit.AuditFilter) int {
		t.Helper()
		got, _, err := s.ListAudit(ctx, f)
		require.NoError(t, err)
		return len(got)
	}
	assert.Equal(t, 10, count(audit.AuditFilter{}))
	assert.Equal(t, 3, count(audit.AuditFilter{ActorID: &bob}))
	assert.Equal(t, 7, count(audit.AuditFilter{ActorID: &alice, Action: "vm.start"}))
	assert.Equal(t, 0, count(audit.AuditFilter{ActorID: &bob, Action: "vm.start"}))
	assert.Equal(t, 3, count(audit.AuditFilter{ObjectType: "ct"}))
	// Since inclusive, Until exclusive: minutes 2 and 3 (twice) of vm/1, and ct/2's 2:01.
	assert.Equal(t, 4, count(audit.AuditFilter{Since: base.Add(2 * time.Minute), Until: base.Add(4 * time.Minute)}))
	assert.Equal(t, 3, count(audit.AuditFilter{ObjectType: "vm", Since: base.Add(2 * time.Minute), Until: base.Add(4 * time.Minute)}))
}

func TestAuditBadCursor(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	for _, c := range []string{"nope", "!!!", "e30"} {
		_, _, err := s.ListAudit(ctx, audit.AuditFilter{Page: domain.Page{Cursor: c}})
		require.Error(t, err, c)
		assert.Equal(t, domain.KindInvalid, domain.KindOf(err), c)
		var de *domain.Error
		require.ErrorAs(t, err, &de)
		assert.Contains(t, de.Fields, "cursor")
	}
}

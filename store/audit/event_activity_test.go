package audit_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/audit/audittest"
)

func TestEventActivity(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	base := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	event, other := uuid.New(), uuid.New()
	actor, pat := uuid.New(), uuid.New()

	entries := []domain.EventActivity{
		{EventID: event, Kind: domain.EventActivityCreated, ActorID: &actor, Actor: "ines", Message: "created"},
		{EventID: event, Kind: domain.EventActivityStateChanged, Actor: "labforge", Message: "deploying",
			Details: map[string]any{"from": "planned", "to": "deploying"}},
		{EventID: other, Kind: domain.EventActivityCreated, Actor: "ines"},
		{EventID: event, Kind: domain.EventActivityItemFailed, Actor: "labforge", UserID: &pat,
			Details: map[string]any{"machine": "web", "index": 0, "error": "clone failed"}},
	}
	for i := range entries {
		entries[i].Time = base.Add(time.Duration(i) * time.Minute)
		require.NoError(t, s.RecordEventActivity(ctx, &entries[i]))
		assert.NotEmpty(t, entries[i].ID)
	}
	// A retried record with the same id is stored once.
	again := entries[0]
	require.NoError(t, s.RecordEventActivity(ctx, &again))

	list := func(f domain.EventActivityFilter) ([]domain.EventActivity, string) {
		t.Helper()
		got, next, err := s.ListEventActivity(ctx, f)
		require.NoError(t, err)
		return got, next
	}
	got, _ := list(domain.EventActivityFilter{EventID: event})
	assert.Equal(t, []domain.EventActivity{entries[3], entries[1], entries[0]}, got)

	first, next := list(domain.EventActivityFilter{EventID: event, OldestFirst: true, Page: domain.Page{Limit: 2}})
	assert.Equal(t, []domain.EventActivity{entries[0], entries[1]}, first)
	require.NotEmpty(t, next)
	second, next := list(domain.EventActivityFilter{EventID: event, OldestFirst: true, Page: domain.Page{Limit: 2, Cursor: next}})
	assert.Equal(t, []domain.EventActivity{entries[3]}, second)
	assert.Empty(t, next)

	got, _ = list(domain.EventActivityFilter{EventID: event, VisibleTo: &pat})
	assert.Equal(t, []domain.EventActivity{entries[3], entries[1], entries[0]}, got, "pat's item and the whole event's entries")
	got, _ = list(domain.EventActivityFilter{EventID: event, VisibleTo: &actor})
	assert.Equal(t, []domain.EventActivity{entries[1], entries[0]}, got, "not pat's item")

	bad := domain.EventActivity{Kind: domain.EventActivityCreated}
	assert.True(t, domain.IsKind(s.RecordEventActivity(ctx, &bad), domain.KindInvalid))
}

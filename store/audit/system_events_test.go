package audit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/audit/audittest"
)

func TestSystemEvents(t *testing.T) {
	ctx := testContext(t)
	s := audittest.New(t)
	base := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

	events := []domain.SystemEvent{
		{Severity: domain.SeverityWarning, Kind: "drift", Message: "VM 101 is running but should be stopped", ObjectType: "vm", ObjectID: "a",
			Details: map[string]any{"node": "pve1", "vmid": 101, "observed": map[string]any{"status": "running"}}},
		{Severity: domain.SeverityError, Kind: "node_offline", Message: "node pve2 is offline", ObjectType: "node", ObjectID: "pve2"},
		{Severity: domain.SeverityWarning, Kind: "awaiting_operator", Message: "clone of vm b awaits an operator", ObjectType: "vm", ObjectID: "b"},
		{Severity: domain.SeverityInfo, Kind: "drift", Message: "drift resolved", ObjectType: "vm", ObjectID: "a"},
	}
	for i := range events {
		events[i].Time = base.Add(time.Duration(i) * time.Hour)
		require.NoError(t, s.AddSystemEvent(ctx, &events[i]))
		assert.NotEmpty(t, events[i].ID)
	}

	list := func(f domain.SystemEventFilter) []domain.SystemEvent {
		t.Helper()
		got, _, err := s.ListSystemEvents(ctx, f)
		require.NoError(t, err)
		return got
	}
	assert.Equal(t, []domain.SystemEvent{events[3], events[2], events[1], events[0]}, list(domain.SystemEventFilter{}))
	assert.Equal(t, []domain.SystemEvent{events[3], events[0]}, list(domain.SystemEventFilter{Kind: "drift"}))
	assert.Equal(t, []domain.SystemEvent{events[2], events[0]}, list(domain.SystemEventFilter{Severity: domain.SeverityWarning}))
	assert.Equal(t, []domain.SystemEvent{events[3], events[0]}, list(domain.SystemEventFilter{ObjectType: "vm", ObjectID: "a"}))
	assert.Equal(t, []domain.SystemEvent{events[0]}, list(domain.SystemEventFilter{Kind: "drift", Severity: domain.SeverityWarning}))

	first, next, err := s.ListSystemEvents(ctx, domain.SystemEventFilter{Page: domain.Page{Limit: 2}})
	require.NoError(t, err)
	require.Equal(t, []domain.SystemEvent{events[3], events[2]}, first)
	second, next, err := s.ListSystemEvents(ctx, domain.SystemEventFilter{Page: domain.Page{Limit: 2, Cursor: next}})
	require.NoError(t, err)
	assert.Equal(t, []domain.SystemEvent{events[1], events[0]}, second)
	assert.Empty(t, next)
}

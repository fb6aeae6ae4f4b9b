package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

const gib = int64(1) << 30

var (
	capNode1 = domain.CapacityNode{ID: uuid.MustParse("00000000-0000-0000-0000-0000000000a1"), Name: "pve1",
		CloneSlots: 4, Storages: []string{"local-lvm"}, MemoryBytes: 64 * gib}
	capNode2 = domain.CapacityNode{ID: uuid.MustParse("00000000-0000-0000-0000-0000000000a2"), Name: "pve2",
		CloneSlots: 4, Storages: []string{"ceph"}, MemoryBytes: 64 * gib}
	capStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
)

// planned is an event on node of vms VMs of memGiB each, cloning in
// cloneTime, deploying lead before capStart+offset and lasting length
// (0: no end).
func planned(id int, node uuid.UUID, vms int, memGiB int64, cloneTime, offset, lead, length time.Duration) domain.PlannedEvent {
	start := capStart.Add(offset)
	e := domain.PlannedEvent{ID: uuid.MustParse("00000000-0000-0000-0000-00000000000" + string(rune('0'+id))),
		DeployAt: start.Add(-lead), StartsAt: start,
		Machines: []domain.MachineDemand{{NodeID: node, VMs: vms, MemoryBytes: memGiB * gib, CloneTime: cloneTime}}}
	if length > 0 {
		end := start.Add(length)
		e.EndsAt = &end
	}
	return e
}

func TestCloneSlots(t *testing.T) {
	for _, tc := range []struct {
		name       string
		nodes      []domain.CapacityNode
		capStorage int
		want       int
	}{
		{"node caps add up", []domain.CapacityNode{capNode1, capNode2}, 4, 8},
		{"storage cap below node cap", []domain.CapacityNode{capNode1, capNode2}, 2, 4},
		{"shared storage caps both nodes", []domain.CapacityNode{capNode1, {CloneSlots: 4, Storages: []string{"local-lvm"}}}, 3, 3},
		{"no nodes still one slot", nil, 4, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := domain.CapacityModel{Nodes: tc.nodes, CapPerStorage: tc.capStorage}
			assert.Equal(t, tc.want, m.CloneSlots())
		})
	}
}

func TestDeployTime(t *testing.T) {
	for _, tc := range []struct {
		vms, slots int
		want       time.Duration
	}{{0, 4, 0}, {1, 4, time.Minute}, {4, 4, time.Minute}, {5, 4, 2 * time.Minute}, {200, 16, 13 * time.Minute}, {3, 0, 3 * time.Minute}} {
		assert.Equal(t, tc.want, domain.DeployTime(tc.vms, tc.slots, time.Minute), "%d VMs on %d slots", tc.vms, tc.slots)
	}
}

func TestRequiredLeadTime(t *testing.T) {
	nodes := []domain.CapacityNode{capNode1, capNode2} // 8 slots
	other := planned(1, capNode1.ID, 40, 1, time.Minute, 0, 5*time.Minute, time.Hour)
	small := planned(2, capNode1.ID, 2, 1, time.Minute, 0, 2*time.Minute, time.Hour)
	for _, tc := range []struct {
		name   string
		others []domain.PlannedEvent
		event  domain.PlannedEvent
		want   time.Duration
	}{
		{"alone: ceil(20/8) rounds", nil, planned(3, capNode1.ID, 20, 1, time.Minute, 0, 0, time.Hour), 3 * time.Minute},
		{"longest clone time sets the round", nil, domain.PlannedEvent{ID: uuid.New(), StartsAt: capStart, Machines: []domain.MachineDemand{
			{NodeID: capNode1.ID, VMs: 8, CloneTime: time.Minute}, {NodeID: capNode2.ID, VMs: 8, CloneTime: 5 * time.Minute}}}, 10 * time.Minute},
		// The other event holds all 8 slots while it deploys: this one
		// gets its fair share, 4, and needs 5 rounds instead of 3.
		{"two overlapping events share the slots", []domain.PlannedEvent{other},
			planned(3, capNode2.ID, 20, 1, time.Minute, 0, 0, time.Hour), 5 * time.Minute},
		{"a small overlapping event leaves the rest", []domain.PlannedEvent{small},
			planned(3, capNode2.ID, 20, 1, time.Minute, 0, 0, time.Hour), 4 * time.Minute},
		{"an event deploying earlier does not count", []domain.PlannedEvent{planned(1, capNode1.ID, 40, 1, time.Minute, -2*time.Hour, 5*time.Minute, time.Hour)},
			planned(3, capNode2.ID, 20, 1, time.Minute, 0, 0, time.Hour), 3 * time.Minute},
		{"the event itself does not compete", []domain.PlannedEvent{planned(3, capNode2.ID, 20, 1, time.Minute, 0, 3*time.Minute, time.Hour)},
			planned(3, capNode2.ID, 20, 1, time.Minute, 0, 0, time.Hour), 3 * time.Minute},
		{"no VMs, no lead", nil, planned(3, capNode1.ID, 0, 1, time.Minute, 0, 0, time.Hour), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := domain.CapacityModel{Nodes: nodes, CapPerStorage: 4, Events: tc.others}
			assert.Equal(t, tc.want, m.RequiredLeadTime(&tc.event))
		})
	}
}

func TestSchedule(t *testing.T) {
	a := planned(1, capNode1.ID, 10, 4, time.Minute, 0, time.Hour, 2*time.Hour)   // 40 GiB 08:00-11:00
	b := planned(2, capNode1.ID, 5, 4, time.Minute, 2*time.Hour, time.Hour, 0)    // 20 GiB from 10:00, no end
	c := planned(3, capNode2.ID, 2, 8, time.Minute, time.Hour, 30*time.Minute, 0) // 16 GiB from 09:30
	m := domain.CapacityModel{Nodes: []domain.CapacityNode{capNode1, capNode2}, CapPerStorage: 4, Events: []domain.PlannedEvent{a, b, c}}
	got := m.Schedule(capStart.Add(-2*time.Hour), capStart.Add(24*time.Hour))
	require.Len(t, got, 2)
	at := func(h int) time.Time { return capStart.Add(time.Duration(h) * time.Hour) }
	assert.Equal(t, []domain.LoadPoint{
		{At: at(-2)},
		{At: at(-1), VMs: 10, MemoryBytes: 40 * gib},
		{At: at(1), VMs: 15, MemoryBytes: 60 * gib},
		{At: at(2), VMs: 5, MemoryBytes: 20 * gib},
	}, got[0].Points)
	assert.False(t, got[0].Overbooked)
	assert.Equal(t, []domain.LoadPoint{{At: at(-2)}, {At: capStart.Add(30 * time.Minute), VMs: 2, MemoryBytes: 16 * gib}}, got[1].Points)
}

func TestCheckEvent(t *testing.T) {
	now := capStart.Add(-24 * time.Hour)
	busy := capNode2
	busy.BaseBytes = 8 * gib // 56 GiB left for events
	nodes := []domain.CapacityNode{capNode1, busy}
	big := planned(1, capNode1.ID, 10, 4, time.Minute, 0, time.Hour, 4*time.Hour) // 40 GiB on pve1
	endless := planned(2, capNode1.ID, 10, 4, time.Minute, -48*time.Hour, time.Hour, 0)
	for _, tc := range []struct {
		name   string
		others []domain.PlannedEvent
		event  domain.PlannedEvent
		now    time.Time
		fields []string
	}{
		{"fits", []domain.PlannedEvent{big}, planned(3, capNode1.ID, 5, 4, time.Minute, 0, time.Hour, time.Hour), now, nil},
		{"lead time too short", nil, planned(3, capNode1.ID, 40, 1, time.Minute, 0, 2*time.Minute, time.Hour), now, []string{"lead_time"}},
		{"start too soon", nil, planned(3, capNode1.ID, 40, 1, time.Minute, 0, 5*time.Minute, time.Hour), capStart.Add(-3 * time.Minute), []string{"starts_at"}},
		{"memory overbooked while both run", []domain.PlannedEvent{big}, planned(3, capNode1.ID, 7, 4, time.Minute, 2*time.Hour, time.Hour, time.Hour), now, []string{"starts_at"}},
		{"guests outside events leave less room", nil, planned(3, capNode2.ID, 15, 4, time.Minute, 0, time.Hour, time.Hour), now, []string{"starts_at"}},
		{"other node has room", []domain.PlannedEvent{big}, planned(3, capNode2.ID, 7, 4, time.Minute, 2*time.Hour, time.Hour, time.Hour), now, nil},
		{"after the other ended", []domain.PlannedEvent{big}, planned(3, capNode1.ID, 7, 4, time.Minute, 5*time.Hour, time.Hour, time.Hour), now, nil},
		{"an event without an end holds its memory", []domain.PlannedEvent{endless}, planned(3, capNode1.ID, 7, 4, time.Minute, 24*time.Hour, time.Hour, time.Hour), now, []string{"starts_at"}},
		{"an event without an end overbooks later events", []domain.PlannedEvent{planned(2, capNode1.ID, 7, 4, time.Minute, 72*time.Hour, time.Hour, time.Hour)},
			planned(3, capNode1.ID, 10, 4, time.Minute, 0, time.Hour, 0), now, []string{"starts_at"}},
		{"the event's own old plan does not count", []domain.PlannedEvent{planned(3, capNode1.ID, 15, 4, time.Minute, 0, time.Hour, time.Hour)},
			planned(3, capNode1.ID, 15, 4, time.Minute, 0, time.Hour, time.Hour), now, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := domain.CapacityModel{Nodes: nodes, CapPerStorage: 4, Events: tc.others}
			err := m.CheckEvent(&tc.event, tc.now)
			if tc.fields == nil {
				require.NoError(t, err)
				return
			}
			require.True(t, domain.IsKind(err, domain.KindConflict), "%v", err)
			fields := domain.FieldsOf(err)
			assert.Len(t, fields, len(tc.fields), "%v", fields)
			for _, f := range tc.fields {
				assert.Contains(t, fields, f)
			}
		})
	}
}

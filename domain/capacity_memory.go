package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// LoadPoint is a node's planned load from At until the next point: the
// VMs of planned events that exist then and their memory.
type LoadPoint struct {
	At          time.Time `json:"at"`
	VMs         int       `json:"planned_vms"`
	MemoryBytes int64     `json:"planned_memory_bytes"`
}

// NodeSchedule is a node's planned load over time, a step function, and
// whether it ever exceeds the node's memory left by guests outside events.
type NodeSchedule struct {
	Node       CapacityNode `json:"node"`
	Points     []LoadPoint  `json:"points"`
	Overbooked bool         `json:"overbooked"`
}

// Overbooking is a moment a node's planned memory exceeds its memory.
type Overbooking struct {
	Node        CapacityNode
	At          time.Time
	MemoryBytes int64
}

// changeTimes are the instants in [from, to) where some event's VMs
// appear (deploy) or go (end), with from first, in order.
func changeTimes(events []PlannedEvent, from, to time.Time) []time.Time {
	out := []time.Time{from}
	add := func(t time.Time) {
		if t.After(from) && t.Before(to) {
			out = append(out, t)
		}
	}
	for i := range events {
		add(events[i].DeployAt)
		if events[i].EndsAt != nil {
			add(*events[i].EndsAt)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}

// loadAt is the planned load of node at t from events.
func loadAt(events []PlannedEvent, node uuid.UUID, t time.Time) LoadPoint {
	p := LoadPoint{At: t}
	for i := range events {
		if !events[i].holds(t) {
			continue
		}
		for _, md := range events[i].Machines {
			if md.NodeID == node {
				p.VMs += md.VMs
				p.MemoryBytes += int64(md.VMs) * md.MemoryBytes
			}
		}
	}
	return p
}

// Schedule is every node's planned load between from and to: a point
// wherever an event deploys (its VMs count from then) or ends (they stop),
// an event without an end holding its VMs for ever.
func (m *CapacityModel) Schedule(from, to time.Time) []NodeSchedule {
	times := changeTimes(m.Events, from, to)
	out := make([]NodeSchedule, 0, len(m.Nodes))
	for _, n := range m.Nodes {
		s := NodeSchedule{Node: n, Points: make([]LoadPoint, 0, len(times))}
		for _, t := range times {
			p := loadAt(m.Events, n.ID, t)
			s.Overbooked = s.Overbooked || p.MemoryBytes > n.PlannableBytes()
			if k := len(s.Points); k > 0 && s.Points[k-1].VMs == p.VMs && s.Points[k-1].MemoryBytes == p.MemoryBytes {
				continue
			}
			s.Points = append(s.Points, p)
		}
		out = append(out, s)
	}
	return out
}

// Overbookings lists, per node e needs memory on, the first moment in e's
// window (deploy to end) where e's VMs and those of the other planned
// events exceed the node's memory. e replaces a planned event of its ID.
func (m *CapacityModel) Overbookings(e *PlannedEvent) []Overbooking {
	events := slices.DeleteFunc(slices.Clone(m.Events), func(o PlannedEvent) bool { return o.ID == e.ID })
	events = append(events, *e)
	end := time.Unix(1<<40, 0)
	if e.EndsAt != nil {
		end = *e.EndsAt
	}
	var out []Overbooking
	for _, n := range m.Nodes {
		if !slices.ContainsFunc(e.Machines, func(md MachineDemand) bool { return md.NodeID == n.ID && md.VMs > 0 }) {
			continue
		}
		for _, t := range changeTimes(events, e.DeployAt, end) {
			if p := loadAt(events, n.ID, t); p.MemoryBytes > n.PlannableBytes() {
				out = append(out, Overbooking{Node: n, At: t, MemoryBytes: p.MemoryBytes})
				break
			}
		}
	}
	return out
}

// String says which node would be overbooked when, for error messages.
func (o Overbooking) String() string {
	return fmt.Sprintf("node %s would hold %d MiB of event VMs at %s but has %d MiB for them (%d MiB, %d MiB of it for guests outside events)",
		o.Node.Name, o.MemoryBytes>>20, o.At.UTC().Format(time.RFC3339), o.Node.PlannableBytes()>>20,
		o.Node.MemoryBytes>>20, o.Node.BaseBytes>>20)
}

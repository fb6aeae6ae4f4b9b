package domain

import (
	"time"

	"github.com/google/uuid"
)

// maxLeadIterations bounds RequiredLeadTime's fixed-point search: a longer
// lead time widens the deploy window, which may overlap more events and
// so need a longer lead time again.
const maxLeadIterations = 8

// DeployTime is how long cloning vms VMs takes with slots clones at once,
// each taking cloneTime: ceil(vms / slots) rounds of cloneTime.
func DeployTime(vms, slots int, cloneTime time.Duration) time.Duration {
	if vms <= 0 {
		return 0
	}
	slots = max(slots, 1)
	rounds := (vms + slots - 1) / slots
	return time.Duration(rounds) * cloneTime
}

// RequiredLeadTime is the lead time e needs to be ready at its start:
// DeployTime(e.VMs(), s, e.CloneTime()) where s is SlotsDuring its own
// deploy window [start − lead, start). Since that window depends on the
// lead time, it starts from the uncontended lead and widens the window
// until the answer stops growing.
func (m *CapacityModel) RequiredLeadTime(e *PlannedEvent) time.Duration {
	lead := DeployTime(e.VMs(), m.CloneSlots(), e.CloneTime())
	for range maxLeadIterations {
		next := m.LeadTimeWithin(e, lead)
		if next <= lead {
			return lead
		}
		lead = next
	}
	return lead
}

// LeadTimeWithin is how long e's deploy takes when it starts lead before
// e's start, sharing the clone slots with the events deploying then.
func (m *CapacityModel) LeadTimeWithin(e *PlannedEvent, lead time.Duration) time.Duration {
	slots := m.SlotsDuring(e.ID, e.StartsAt.Add(-lead), e.StartsAt)
	return DeployTime(e.VMs(), slots, e.CloneTime())
}

// SlotsDuring is how many clone slots an event (not the one with id
// except) can count on between from and to. Each other event deploying
// in that interval — from its DeployAt for DeployTime of its VMs on all
// slots — holds min(its VMs, K) of the K slots. The event gets what they
// leave, but at least its fair share K / (overlapping events + 1), since
// the slots are handed out first come, first served, and at least one.
func (m *CapacityModel) SlotsDuring(except uuid.UUID, from, to time.Time) int {
	k := m.CloneSlots()
	held, overlapping := 0, 0
	for i := range m.Events {
		o := &m.Events[i]
		if o.ID == except || o.VMs() == 0 {
			continue
		}
		end := o.DeployAt.Add(DeployTime(o.VMs(), k, o.CloneTime()))
		if !o.DeployAt.Before(to) || !end.After(from) {
			continue
		}
		held += min(o.VMs(), k)
		overlapping++
	}
	return max(k-held, k/(overlapping+1), 1)
}

package domain

import (
	"fmt"
	"strings"
	"time"
)

// CheckEvent reports why e, deploying at e.DeployAt, does not fit the
// capacity left by the other planned events, as an error of kind
// KindConflict whose fields say why:
//   - lead_time: deploying its VMs takes longer than start − deploy;
//   - starts_at: even deploying now, it cannot be ready at its start, or
//     its VMs would overbook a node's memory during its window.
//
// It returns nil when e fits.
func (m *CapacityModel) CheckEvent(e *PlannedEvent, now time.Time) error {
	fields := map[string]string{}
	lead := e.StartsAt.Sub(e.DeployAt)
	if need := m.LeadTimeWithin(e, lead); need > lead {
		fields["lead_time"] = fmt.Sprintf("is %s but deploying %d VMs on %d clone slots (%s per clone) takes %s",
			lead, e.VMs(), m.SlotsDuring(e.ID, e.DeployAt, e.StartsAt), e.CloneTime(), need)
	}
	if need := m.LeadTimeWithin(e, e.StartsAt.Sub(now)); now.Add(need).After(e.StartsAt) {
		fields["starts_at"] = fmt.Sprintf("cannot be met: deploying %d VMs takes %s, so the event can be ready at %s at the earliest",
			e.VMs(), need, now.Add(need).UTC().Format(time.RFC3339))
	}
	if over := m.Overbookings(e); len(over) > 0 {
		msgs := make([]string, len(over))
		for i, o := range over {
			msgs[i] = o.String()
		}
		msg := "overbooks memory: " + strings.Join(msgs, "; ")
		if prev, taken := fields["starts_at"]; taken {
			msg = prev + "; it also " + msg
		}
		fields["starts_at"] = msg
	}
	if len(fields) == 0 {
		return nil
	}
	return &Error{Kind: KindConflict, Message: "the event does not fit the nodes' capacity; an administrator may force it", Fields: fields}
}

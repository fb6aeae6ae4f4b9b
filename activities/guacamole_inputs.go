package activities

import (
	"github.com/google/uuid"
)

// ConnectionTarget is one participant's VM, ready (it has an address), that
// the event lifecycle wants connections to.
type ConnectionTarget struct {
	EventID   uuid.UUID
	EventName string
	UserID    uuid.UUID
	Username  string
	VMID      uuid.UUID
	// Index is the VM's index below its machine's count.
	Index int
	IPv4  string
}

// ConnectionInputs are the EnsureConnection inputs of a participant's VM of
// machine m (from the event's environment snapshot): one per connection
// template, in the templates' order.
func ConnectionInputs(to ConnectionTarget, m EventMachine) []EnsureConnectionInput {
	out := make([]EnsureConnectionInput, len(m.Connections))
	for i, tmpl := range m.Connections {
		out[i] = EnsureConnectionInput{EventID: to.EventID, EventName: to.EventName, UserID: to.UserID, Username: to.Username,
			VMID: to.VMID, Machine: m.Name, Index: to.Index, TemplatePosition: i, Template: tmpl, IPv4: to.IPv4}
	}
	return out
}

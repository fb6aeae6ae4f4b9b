package domain

import (
	"time"

	"github.com/google/uuid"
)

// EventItemState is what the lifecycle workflow did about one VM of one
// participant.
type EventItemState string

// Event item states.
const (
	ItemPending      EventItemState = "pending"
	ItemProvisioning EventItemState = "provisioning"
	ItemReady        EventItemState = "ready"
	ItemFailed       EventItemState = "failed"
	ItemRemoved      EventItemState = "removed"
)

// EventItem is one VM an event gives a participant: machine Machine of the
// environment, number Index (0 to the machine's count − 1), and the
// workflow's last word on it. VMState and IPv4 are read from the VM
// record when the item is listed.
type EventItem struct {
	EventID   uuid.UUID      `json:"event_id"`
	UserID    uuid.UUID      `json:"user_id"`
	Machine   string         `json:"machine"`
	Index     int            `json:"index"`
	VMID      *uuid.UUID     `json:"vm_id"`
	State     EventItemState `json:"state"`
	LastError string         `json:"last_error"`
	LastStep  string         `json:"last_step"`
	UpdatedAt time.Time      `json:"updated_at"`

	VMState GuestState `json:"vm_state,omitempty"`
	IPv4    string     `json:"ipv4,omitempty"`
}

// Validate checks the item's key and state.
func (i *EventItem) Validate() error {
	var v Validator
	v.Check(i.EventID != uuid.Nil, "event_id", "must name an event")
	v.Check(i.UserID != uuid.Nil, "user_id", "must name a user")
	v.Check(ValidHostname(i.Machine), "machine", "must name a machine of the environment")
	v.Check(i.Index >= 0 && i.Index < MaxMachineCount, "index", "must be between 0 and 9")
	switch i.State {
	case ItemPending, ItemProvisioning, ItemReady, ItemFailed, ItemRemoved:
	default:
		v.Check(false, "state", "must be one of pending, provisioning, ready, failed, removed")
	}
	return v.Err()
}

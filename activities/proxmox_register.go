package activities

import "github.com/labforge/labforge/internal/config"

// ProxmoxActivities returns the VM lifecycle activities a worker of queue
// serves: clone and delete on pve-clone, power, config, snapshots and the
// guest agent on pve-actions, PostgreSQL bookkeeping (placement, clone
// slots, records) on core. The workflows' activity options name the same
// queues.
//
// It is a function, not a method, so that registering a *Proxmox as a
// whole (as tests do) registers only activities.
func ProxmoxActivities(a *Proxmox, queue string) []any {
	switch queue {
	case config.QueuePVEClone:
		return []any{a.CloneGuestInSlot, a.CloneGuest, a.DeleteGuest}
	case config.QueuePVEActions:
		return []any{a.ConfigureGuest, a.EnsureBaseline, a.RollbackBaseline, a.PowerGuest, a.GuestIPv4}
	case config.QueueCore:
		return []any{a.ReserveAndPlace, a.AcquireCloneSlot, a.ReleaseCloneSlot, a.LoadVM, a.RecordVM, a.ReleaseGuestVMID}
	}
	return nil
}

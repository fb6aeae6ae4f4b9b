package activities

import (
	"context"

	"github.com/labforge/labforge/internal/proxmox"
)

// GuestConfig is the shape ConfigureGuest gives a fresh clone. Zero cores
// or memory keep the template's value.
type GuestConfig struct {
	Guest    GuestRef `json:"guest"`
	Cores    int      `json:"cores"`
	MemoryMB int      `json:"memory_mb"`
}

// ConfigureGuest sets the guest's name, cores, memory, the Labforge tags
// (GuestTags) and description (GuestDescription) of a fresh, stopped
// clone with Proxmox's synchronous config update. Setting the same values
// again changes nothing, so it is safe to retry.
func (a *Proxmox) ConfigureGuest(ctx context.Context, in GuestConfig) error {
	c, err := a.client(ctx, in.Guest.NodeID)
	if err != nil {
		return err
	}
	set := map[string]any{
		"name":        in.Guest.Name,
		"tags":        GuestTags(in.Guest.VM),
		"description": GuestDescription(in.Guest.VM),
	}
	if in.Cores > 0 {
		set["cores"] = in.Cores
	}
	if in.MemoryMB > 0 {
		set["memory"] = in.MemoryMB
	}
	// The guest is a stopped fresh clone: nothing hotplugs or allocates
	// storage, so the synchronous update does, without a task to wait for.
	return classifyPVE(c.UpdateVMConfig(ctx, in.Guest.Node, in.Guest.VMID, proxmox.ConfigChange{Set: set}))
}

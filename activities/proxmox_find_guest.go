package activities

import (
	"context"

	"github.com/labforge/labforge/internal/proxmox"
)

// findGuest returns the guest at vmid, wherever it is in the cluster, with
// its name, status, tags, lock and template flag as its node reports them
// now. GET /cluster/resources knows at once that a guest exists and where,
// but shows the name and status of the node's last status update (every
// 10 s; "unknown" and no name for a guest cloned a moment ago), so the
// guest's status/current is read before ownership or power is judged. It
// reports false, and no error, when there is no such guest.
func findGuest(ctx context.Context, c *proxmox.Client, vmid int) (proxmox.Resource, bool, error) {
	r, found, err := c.FindGuest(ctx, vmid)
	if err != nil || !found {
		return r, found, err
	}
	var st proxmox.GuestStatus
	if r.Type == "lxc" {
		st, err = c.ContainerStatus(ctx, r.Node, vmid)
	} else {
		st, err = c.VMStatus(ctx, r.Node, vmid)
	}
	if proxmox.KindOf(err) == proxmox.NotFound {
		return proxmox.Resource{}, false, nil // destroyed since it was listed
	}
	if err != nil {
		return r, true, err
	}
	r.Name, r.Status, r.Tags, r.Lock, r.Template = st.Name, st.Status, st.Tags, st.Lock, st.Template
	return r, true, nil
}

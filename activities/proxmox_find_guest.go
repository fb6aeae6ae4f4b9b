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

// guestOn returns the guest at vmid on node, of type typ ("qemu" or
// "lxc"), as node reports it now, reading its status/current only, never
// the cluster's guest list. It reports false, and no error, when node
// holds no such guest.
func guestOn(ctx context.Context, c *proxmox.Client, node, typ string, vmid int) (proxmox.Resource, bool, error) {
	var st proxmox.GuestStatus
	var err error
	if typ == "lxc" {
		st, err = c.ContainerStatus(ctx, node, vmid)
	} else {
		st, err = c.VMStatus(ctx, node, vmid)
	}
	if proxmox.KindOf(err) == proxmox.NotFound {
		return proxmox.Resource{}, false, nil
	}
	if err != nil {
		return proxmox.Resource{}, false, err
	}
	return proxmox.Resource{VMID: vmid, Node: node, Type: typ, Name: st.Name, Status: st.Status,
		Tags: st.Tags, Lock: st.Lock, Template: st.Template}, true, nil
}

// guestOnOrElsewhere is guestOn, falling back to the cluster's guest list
// when node does not hold the guest: one moved to another node outside
// Labforge is still found. The fallback costs one cluster listing, and
// only when the guest is not where Labforge put it.
func guestOnOrElsewhere(ctx context.Context, c *proxmox.Client, node, typ string, vmid int) (proxmox.Resource, bool, error) {
	r, found, err := guestOn(ctx, c, node, typ, vmid)
	if err != nil || found {
		return r, found, err
	}
	return findGuest(ctx, c, vmid)
}

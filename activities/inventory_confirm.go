package activities

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// DefaultInventoryGrace is how long after Labforge created or changed a VM
// record the inventory sync and reconciliation leave the record alone:
// three of Proxmox's 10 s status updates, so the cluster listing has
// caught up with what Labforge did.
const DefaultInventoryGrace = 30 * time.Second

// GET /cluster/resources reports which guests exist, where and with which
// tags at once, but their status, name and template flag from each
// node's status updates (pvestatd, every 10 s): a guest cloned a moment
// ago is "unknown", a power change shows the old state for a while, and
// the guests of a node that died keep their last state for minutes. So
// the inventory activities treat "unknown" as no information, ask the
// guest's own status/current before acting on a difference, and leave
// records Labforge changed within the grace period alone.

// grace is the configured grace period; a negative Grace means none.
func (a *Inventory) grace() time.Duration {
	switch {
	case a.Grace < 0:
		return 0
	case a.Grace == 0:
		return DefaultInventoryGrace
	}
	return a.Grace
}

// recent reports whether Labforge created or changed a record, last
// updated at updated, within the grace period before now.
func (a *Inventory) recent(updated, now time.Time) bool { return now.Sub(updated) < a.grace() }

// listed reports whether a guest's cluster/resources entry carries status
// data; without it ("unknown") its status, name and template flag say
// nothing.
func listed(r proxmox.Resource) bool { return r.Status != "" && r.Status != "unknown" }

// currentStatus reads the guest's status/current from its node (through
// the client of the registered node of that name, else through any
// registered node of the cluster, since each answers for all).
func (a *Inventory) currentStatus(ctx context.Context, nodes []domain.Node, nodeName, kind string, vmid int) (proxmox.GuestStatus, error) {
	var via *domain.Node
	for i := range nodes {
		if nodes[i].Name == nodeName {
			via = &nodes[i]
			break
		}
	}
	if via == nil && len(nodes) > 0 {
		via = &nodes[0]
	}
	if via == nil {
		return proxmox.GuestStatus{}, errNoNode
	}
	client, err := a.Clients.ForNode(via)
	if err != nil {
		return proxmox.GuestStatus{}, err
	}
	if kind == "lxc" {
		return client.ContainerStatus(ctx, nodeName, vmid)
	}
	return client.VMStatus(ctx, nodeName, vmid)
}

// errNoNode: the cluster has no registered node to ask through.
var errNoNode = errors.New("the cluster has no registered node")

// statusPower is the power state status/current reports: a QEMU guest's
// QMP status tells a paused VM from a running one.
func statusPower(st proxmox.GuestStatus) domain.PowerState {
	if st.QMPStatus == "paused" {
		return domain.PowerPaused
	}
	return powerOf(st.Status)
}

// confirmedPower asks the guest behind entry r for its power state. It
// reports false when the guest could not be asked (the difference is then
// left for the next cycle) or no longer exists (Reconcile's finding).
func (a *Inventory) confirmedPower(ctx context.Context, nodes []domain.Node, r proxmox.Resource) (domain.PowerState, bool) {
	st, err := a.currentStatus(ctx, nodes, r.Node, r.Type, r.VMID)
	if err != nil {
		if proxmox.KindOf(err) != proxmox.NotFound {
			logger(a.Logger).Warn("guest status not confirmed", slog.String("node", r.Node), slog.Int("vmid", r.VMID), slog.Any("error", err))
		}
		return domain.PowerUnknown, false
	}
	p := statusPower(st)
	return p, p != domain.PowerUnknown
}

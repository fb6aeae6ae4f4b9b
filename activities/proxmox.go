package activities

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/store"
)

// ProxmoxStore is what the VM lifecycle activities read and write in
// PostgreSQL. Methods return domain errors (KindNotFound, KindConflict, ...).
type ProxmoxStore interface {
	FindVM(ctx context.Context, id uuid.UUID) (*domain.VM, error)
	UpdateVM(ctx context.Context, vm *domain.VM) error
	ListVMs(ctx context.Context, f store.VMFilter) ([]domain.VM, string, error)
	FindNode(ctx context.Context, id uuid.UUID) (*domain.Node, error)
	ListNodes(ctx context.Context, page domain.Page) ([]domain.Node, string, error)
	FindTemplate(ctx context.Context, id uuid.UUID) (*domain.VMTemplate, error)
	AllocateVMID(ctx context.Context, cluster string, r domain.VMIDRange, ownerType string, ownerID uuid.UUID) (int, error)
	ReleaseVMID(ctx context.Context, cluster string, vmid int) error
	// InPlacement runs fn in a transaction holding the cluster's placement
	// lock (store/placement.go).
	InPlacement(ctx context.Context, cluster string, fn func(tx *store.DB) error) error
}

// SlotStore leases clone slots (store.DB implements it in store/slots.go).
type SlotStore interface {
	AcquireCloneSlot(ctx context.Context, nodeID uuid.UUID, storage, holder string, nodeCap, storageCap int, lease time.Duration) (bool, error)
	RenewCloneSlot(ctx context.Context, holder string, lease time.Duration) (bool, error)
	ReleaseCloneSlot(ctx context.Context, holder string) error
}

// Proxmox holds the VM lifecycle activities: clone, configure, snapshot,
// power, delete (queues pve-clone and pve-actions) and their PostgreSQL
// bookkeeping (queue core). Every activity is idempotent: it looks before it
// creates, and a retried attempt resumes polling the task its predecessor
// started, whose UPID it recorded as heartbeat details.
type Proxmox struct {
	Store   ProxmoxStore
	Clients *NodeClients
	Slots   SlotStore
	// Waiters, when set, wakes activities waiting for a clone slot as soon
	// as one is released; feed it the process's CloneSlotChannel
	// notifications. Without it they ask every few seconds.
	Waiters *SlotWaiters
	// VMIDs is the range VMIDs are allocated from (config VMIDs()).
	VMIDs domain.VMIDRange
	// CloneCapPerStorage caps concurrent clones per storage; default 4.
	CloneCapPerStorage int
	// SlotLease is how long a clone slot is held without renewal; default
	// 10 minutes. Polling a clone renews it.
	SlotLease time.Duration
	// SlotRetry is the mean wait before asking again for a busy clone slot;
	// default 500ms.
	SlotRetry time.Duration
	// Wait paces task polling; zero fields take the client's defaults.
	Wait   proxmox.WaitOptions
	Logger *slog.Logger

	placing clusterGate
}

// GuestRef names a Labforge VM's guest in Proxmox.
type GuestRef struct {
	VM      uuid.UUID `json:"vm"`
	Name    string    `json:"name"`
	Cluster string    `json:"cluster"`
	NodeID  uuid.UUID `json:"node_id"`
	Node    string    `json:"node"`
	VMID    int       `json:"vmid"`
}

// BaselineSnapshot is the snapshot CloneVM takes of every fresh VM and
// reset-to-template rolls back to.
const BaselineSnapshot = "labforge-baseline"

// GuestTags returns the Proxmox tags of a Labforge VM's guest, as
// ConfigChange.Set["tags"] takes them: "labforge;lf-<vm-id>" (LabforgeTag
// and VMTag, the ownership mark reconciliation and the clone activity's
// look-before-create rely on).
func GuestTags(vmID uuid.UUID) string { return LabforgeTag + ";" + VMTag(vmID) }

// GuestDescription is the description of a Labforge VM's guest; it names
// the VM's Labforge id too, for operators reading the Proxmox UI.
func GuestDescription(vmID uuid.UUID) string {
	return "Managed by Labforge; do not edit. labforge-vm-id: " + vmID.String()
}

// owns reports whether a guest found in /cluster/resources is this
// Labforge VM's: it carries the VM's tag or, before the config step tagged
// it, the VM's name.
func (g GuestRef) owns(r proxmox.Resource) bool {
	return r.HasTag(VMTag(g.VM)) || (g.Name != "" && strings.EqualFold(r.Name, g.Name))
}

func (a *Proxmox) logger() *slog.Logger {
	if a.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Logger
}

func (a *Proxmox) client(ctx context.Context, nodeID uuid.UUID) (*proxmox.Client, error) {
	c, err := a.Clients.For(ctx, nodeID)
	if err != nil {
		return nil, classifyPVE(err)
	}
	return c, nil
}

// runTask starts a Proxmox task with start and polls it to the end,
// recording its UPID as heartbeat details. A retried attempt that finds a
// UPID in the details resumes polling that task instead of starting a
// second one, unless the task already ended in failure (then it starts
// afresh). onPoll, when set, runs after each poll (slot renewal).
func (a *Proxmox) runTask(ctx context.Context, c *proxmox.Client, start func() (string, error), onPoll func()) error {
	var upid string
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &upid); err != nil {
			upid = ""
		}
	}
	if upid != "" {
		st, err := c.PollTask(ctx, upid)
		switch {
		case err != nil && proxmox.KindOf(err) != proxmox.NotFound:
			return classifyPVE(err)
		case err != nil, !st.Running() && !st.Succeeded():
			a.logger().Info("previous attempt's task is gone or failed; starting again", slog.String("upid", upid))
			upid = ""
		case st.Succeeded():
			return nil
		default:
			a.logger().Info("resuming the previous attempt's task", slog.String("upid", upid))
		}
	}
	if upid == "" {
		var err error
		if upid, err = start(); err != nil {
			return classifyPVE(err)
		}
		if upid == "" {
			return nil // applied without a task
		}
		activity.RecordHeartbeat(ctx, upid)
	}
	opts := a.Wait.Within(pollLimit(ctx))
	opts.Heartbeat = func(upid string, _ proxmox.TaskStatus) {
		activity.RecordHeartbeat(ctx, upid)
		if onPoll != nil {
			onPoll()
		}
	}
	_, err := c.WaitTask(ctx, "", upid, opts)
	return classifyPVE(err)
}

// pollLimit is the longest an activity that heartbeats on each poll may
// wait between polls: a third of its heartbeat timeout, so that Temporal
// never takes a long but healthy wait for a dead worker. Zero (no limit)
// outside an activity with a heartbeat timeout.
func pollLimit(ctx context.Context) time.Duration {
	if !activity.IsActivity(ctx) {
		return 0
	}
	return activity.GetInfo(ctx).HeartbeatTimeout / 3
}

// findGuest looks the cluster's guests up for the one at g.VMID.
func findGuest(ctx context.Context, c *proxmox.Client, vmid int) (proxmox.Resource, bool, error) {
	rs, err := c.ClusterResources(ctx, proxmox.ResourceVM)
	if err != nil {
		return proxmox.Resource{}, false, err
	}
	for _, r := range rs {
		if r.IsGuest() && r.VMID == vmid {
			return r, true, nil
		}
	}
	return proxmox.Resource{}, false, nil
}

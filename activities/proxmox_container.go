package activities

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/proxmox"
)

// ContainerTag marks every Proxmox container Labforge created. It differs
// from LabforgeTag, so VM reconciliation never takes a container for an
// orphaned VM.
const ContainerTag = "labforge-ct"

// containerTagPrefix starts the tag naming a container's Labforge record.
const containerTagPrefix = "lfct-"

// ContainerIDTag is the tag naming the Labforge container a guest belongs
// to: "lfct-<container-id>". It is set when the container is created, so
// a guest without it is never Labforge's.
func ContainerIDTag(id uuid.UUID) string { return containerTagPrefix + id.String() }

// ContainerDescription is the description of a Labforge container, naming
// its Labforge id for operators reading the Proxmox UI.
func ContainerDescription(id uuid.UUID) string {
	return "Managed by Labforge; do not edit. labforge-container-id: " + id.String()
}

// owns reports whether a guest found in /cluster/resources is this
// container's: an LXC guest carrying its ContainerIDTag.
func (g ContainerRef) owns(r proxmox.Resource) bool {
	return r.Type == "lxc" && r.HasTag(ContainerIDTag(g.Container))
}

// ContainerCreate is a container to create from the template volume
// EnsureContainerTemplate returned.
type ContainerCreate struct {
	Plan     ContainerPlan `json:"plan"`
	Template string        `json:"template"`
}

// CreateContainerGuest creates the planned LXC (unprivileged, net0 on the
// node's bridge with the reserved MAC and ip=dhcp, the site's search
// domain and gateway as name server, its environment and SSH keys, tagged
// ContainerTag and ContainerIDTag) and polls the create task to its end.
// It does not start it. It looks before it creates: a container at the
// VMID carrying this container's tag is the one an earlier attempt made,
// taken as it is once its create lock is gone; any other guest there is a
// non-retryable AlreadyExists. A retried attempt resumes polling the
// create task its predecessor started. The creation holds one of the
// clone slots of the node and storage (LABFORGE_CLONE_CAP_PER_STORAGE and
// the node's clone_concurrency cap VM clones and container creations
// together).
func (a *Proxmox) CreateContainerGuest(ctx context.Context, in ContainerCreate) error {
	p := in.Plan
	c, err := a.client(ctx, p.Guest.NodeID)
	if err != nil {
		return err
	}
	// Writing a root file system contends for the storage as a clone
	// does: it waits for one of the clone slots of the node and storage,
	// rather than for Proxmox's storage lock (which times out and fails
	// the task), and gives it back when the task is over.
	slot := p.slotPlan()
	if _, err := a.Slots.await(ctx, slot, 0, true); err != nil {
		return err
	}
	defer a.Slots.releaseQuietly(ctx)
	if !activity.HasHeartbeatDetails(ctx) {
		// Look at the one guest on the container's node: Proxmox's create
		// itself refuses a VMID taken anywhere in the cluster, at once and
		// with "already exists" (AlreadyExists).
		r, found, err := guestOn(ctx, c, p.Guest.Node, "lxc", p.Guest.VMID)
		if err != nil {
			return classifyPVE(err)
		}
		if found {
			if !p.Guest.owns(r) {
				return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
					"VMID %d reserved for container %s is taken by another guest (%s %s on %s)",
					p.Guest.VMID, p.Guest.Container, r.Type, r.Name, r.Node), string(proxmox.AlreadyExists), nil)
			}
			logger(a.Logger).Info("container already created", slog.String("container", p.Guest.Container.String()), slog.Int("vmid", r.VMID))
			return a.waitLockGone(ctx, r.VMID, "create", func() (proxmox.GuestStatus, error) {
				return c.ContainerStatus(ctx, r.Node, r.VMID)
			})
		}
	}
	spec := proxmox.ContainerSpec{
		VMID: p.Guest.VMID, OSTemplate: in.Template, Hostname: p.Guest.Hostname,
		Description: ContainerDescription(p.Guest.Container), Tags: []string{ContainerTag, ContainerIDTag(p.Guest.Container)},
		Net0:  proxmox.ContainerNIC{Bridge: p.Bridge, HWAddr: p.MAC, IP: "dhcp"},
		Cores: p.Cores, Memory: p.MemoryMB, Swap: p.SwapMB, Storage: p.Storage, RootFSGiB: p.DiskGB,
		SSHKeys: p.SSHKeys, Env: p.Env, SearchDomain: p.SearchDomain, Nameserver: p.Nameserver,
	}
	return a.runTask(ctx, c, func() (string, error) { return c.CreateContainer(ctx, p.Guest.Node, spec) }, a.Slots.renewer(ctx))
}

// slotPlan is the clone-slot request of the container's creation: its
// node and its root file system's storage.
func (p ContainerPlan) slotPlan() ClonePlan {
	return ClonePlan{Guest: GuestRef{Cluster: p.Guest.Cluster, NodeID: p.Guest.NodeID, Node: p.Guest.Node, VMID: p.Guest.VMID},
		Storage: p.Storage, NodeCap: p.NodeCap}
}

// DestroyContainer stops and destroys the container (purge), polling each
// task to its end. A container that is not there counts as destroyed; a
// guest at the VMID that does not carry this container's tag is never
// touched: that is a non-retryable Conflict.
func (a *Proxmox) DestroyContainer(ctx context.Context, g ContainerRef) error {
	return a.destroyOwned(ctx, g.NodeID, g.Node, g.VMID, guestKind{
		typ: "lxc", owns: g.owns, what: "Labforge container " + g.Container.String(), stopTask: "vzstop", destroyTask: "vzdestroy",
		stop: func(c *proxmox.Client, r proxmox.Resource) (string, error) {
			return c.StopContainer(ctx, r.Node, r.VMID)
		},
		destroy: func(c *proxmox.Client, r proxmox.Resource) (string, error) {
			return c.DeleteContainer(ctx, r.Node, r.VMID, true, true)
		},
	})
}

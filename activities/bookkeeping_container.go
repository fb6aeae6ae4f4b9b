package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
)

// ContainerRef names a Labforge container's guest in Proxmox.
type ContainerRef struct {
	Container uuid.UUID `json:"container"`
	Hostname  string    `json:"hostname"`
	Cluster   string    `json:"cluster"`
	NodeID    uuid.UUID `json:"node_id"`
	Node      string    `json:"node"`
	VMID      int       `json:"vmid"`
}

// ContainerPlan is a container as the container workflows work on it:
// its guest, its site, what it is made from and its shape, and the
// address and MAC reserved for it.
type ContainerPlan struct {
	Guest    ContainerRef `json:"guest"`
	SiteID   uuid.UUID    `json:"site_id"`
	SiteName string       `json:"site_name"`
	// Placed is false when the container holds no node and VMID (nothing
	// of it exists in Proxmox).
	Placed bool              `json:"placed"`
	State  domain.GuestState `json:"state"`
	Power  domain.PowerState `json:"power"`
	// Source is the container's source as stored (see domain.ParseContainerSource).
	Source string `json:"source"`
	// Bridge and Storage are the node's bridge and first storage.
	Bridge  string `json:"bridge"`
	Storage string `json:"storage"`
	// NodeCap is the node's clone_concurrency: creating a container takes
	// one of the node's clone slots, as a clone does.
	NodeCap  int               `json:"node_cap,omitempty"`
	Cores    int               `json:"cores"`
	MemoryMB int               `json:"memory_mb"`
	SwapMB   int               `json:"swap_mb"`
	DiskGB   int               `json:"disk_gb"`
	Env      map[string]string `json:"env,omitempty"`
	SSHKeys  []string          `json:"ssh_keys,omitempty"`
	IPv4     string            `json:"ipv4"`
	MAC      string            `json:"mac"`
	// SearchDomain is the site's internal domain; Nameserver its gateway.
	SearchDomain string `json:"search_domain"`
	Nameserver   string `json:"nameserver"`
}

// AllocateContainer places the container on its site's online node with
// the most free memory and reserves its VMID (from the VMIDs range),
// address, MAC and external ports (store AllocateContainer), and returns
// its plan. It is idempotent: an allocated container gets the same
// allocation back. No room is the retryable NoCapacity; a full range or
// a container being deleted is the non-retryable Conflict.
func (b *Bookkeeping) AllocateContainer(ctx context.Context, id uuid.UUID) (ContainerPlan, error) {
	a, err := b.Containers.AllocateContainer(ctx, id, b.VMIDs)
	if err != nil {
		return ContainerPlan{}, classify(err)
	}
	return b.planOf(ctx, &a.Container, &a.Node)
}

// LoadContainer reads a container record and names its guest; Placed is
// false when it has none.
func (b *Bookkeeping) LoadContainer(ctx context.Context, id uuid.UUID) (ContainerPlan, error) {
	c, err := b.Containers.FindContainer(ctx, id)
	if err != nil {
		return ContainerPlan{}, classify(err)
	}
	if c.NodeID == nil || c.VMID == nil {
		return b.planOf(ctx, c, nil)
	}
	n, err := b.Nodes.FindNode(ctx, *c.NodeID)
	if err != nil {
		return ContainerPlan{}, classify(err)
	}
	return b.planOf(ctx, c, n)
}

// planOf is the plan of container c on node n (nil: not placed).
func (b *Bookkeeping) planOf(ctx context.Context, c *domain.Container, n *domain.Node) (ContainerPlan, error) {
	site, err := b.Sites.FindSite(ctx, c.SiteID)
	if err != nil {
		return ContainerPlan{}, classify(err)
	}
	p := ContainerPlan{
		Guest:  ContainerRef{Container: c.ID, Hostname: c.Hostname, Cluster: c.Cluster},
		SiteID: site.ID, SiteName: site.Name, State: c.State, Power: c.Power, Source: c.Source,
		Cores: c.Cores, MemoryMB: c.MemoryMB, SwapMB: c.SwapMB, DiskGB: c.DiskGB, Env: c.Env, SSHKeys: c.SSHKeys,
		MAC: c.MAC, SearchDomain: site.InternalDomain, Nameserver: site.Gateway.String(),
	}
	if c.IPv4 != nil {
		p.IPv4 = c.IPv4.String()
	}
	if n == nil || c.VMID == nil {
		return p, nil
	}
	if len(n.Storages) == 0 || n.Bridge == "" {
		return ContainerPlan{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"node %s has no storage or no bridge configured; set them on the node before it hosts containers", n.Name),
			ErrTypeInvalid, nil)
	}
	p.Guest.NodeID, p.Guest.Node, p.Guest.Cluster, p.Guest.VMID, p.Placed = n.ID, n.Name, n.Cluster, *c.VMID, true
	p.Bridge, p.Storage, p.NodeCap = n.Bridge, n.Storages[0], n.CloneConcurrency
	return p, nil
}

// ContainerUpdate is an observed change of a container record. Empty
// fields are kept.
type ContainerUpdate struct {
	Container uuid.UUID         `json:"container"`
	State     domain.GuestState `json:"state,omitempty"`
	Power     domain.PowerState `json:"power,omitempty"`
	Cores     *int              `json:"cores,omitempty"`
	MemoryMB  *int              `json:"memory_mb,omitempty"`
	SwapMB    *int              `json:"swap_mb,omitempty"`
	DiskGB    *int              `json:"disk_gb,omitempty"`
}

// RecordContainer stores a container's new state, power state and
// resources. Recording the same update twice leaves the same record.
func (b *Bookkeeping) RecordContainer(ctx context.Context, u ContainerUpdate) error {
	c, err := b.Containers.FindContainer(ctx, u.Container)
	if err != nil {
		return classify(err)
	}
	if u.State != "" {
		c.State = u.State
	}
	if u.Power != "" {
		c.Power = u.Power
	}
	for _, f := range []struct {
		dst *int
		src *int
	}{{&c.Cores, u.Cores}, {&c.MemoryMB, u.MemoryMB}, {&c.SwapMB, u.SwapMB}, {&c.DiskGB, u.DiskGB}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	return classify(b.Containers.UpdateContainer(ctx, c))
}

// ReleaseContainer frees the container's address, MAC, VMID and external
// ports. Workflows call it only after Proxmox confirmed the guest is gone;
// releasing again is a no-op.
func (b *Bookkeeping) ReleaseContainer(ctx context.Context, id uuid.UUID) error {
	return classify(b.Containers.ReleaseContainerAllocation(ctx, id))
}

package activities

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// containerRecords are a cluster's container records by VMID and by id.
type containerRecords struct {
	byVMID map[int]domain.Container
	byID   map[uuid.UUID]domain.Container
	all    []domain.Container
}

// clusterContainers reads the container records of cluster; none when the
// inventory has no container store.
func (a *Inventory) clusterContainers(ctx context.Context, cluster string) (containerRecords, error) {
	recs := containerRecords{byVMID: map[int]domain.Container{}, byID: map[uuid.UUID]domain.Container{}}
	if a.Containers == nil {
		return recs, nil
	}
	cts, err := all(ctx, func(ctx context.Context, page domain.Page) ([]domain.Container, string, error) {
		return a.Containers.ListContainers(ctx, domain.ContainerFilter{Page: page})
	})
	if err != nil {
		return recs, err
	}
	for _, c := range cts {
		if c.Cluster != cluster {
			continue
		}
		recs.all = append(recs.all, c)
		recs.byID[c.ID] = c
		if c.VMID != nil {
			recs.byVMID[*c.VMID] = c
		}
	}
	return recs, nil
}

// ContainerIDFromTags returns the Labforge container id named by a
// guest's tags (ContainerIDTag).
func ContainerIDFromTags(tags []string) (uuid.UUID, bool) {
	for _, t := range tags {
		if len(t) > len(containerTagPrefix) && strings.EqualFold(t[:len(containerTagPrefix)], containerTagPrefix) {
			if id, err := uuid.Parse(t[len(containerTagPrefix):]); err == nil {
				return id, true
			}
		}
	}
	return uuid.Nil, false
}

// labforgeGuest reports whether a listed guest carries Labforge's tag: a
// VM's LabforgeTag or a container's ContainerTag.
func labforgeGuest(r proxmox.Resource) bool {
	return r.HasTag(LabforgeTag) || (r.Type == "lxc" && r.HasTag(ContainerTag))
}

// ownedByRecord reports whether a live record owns the listed guest r: its
// VMID is a VM's or a container's, or its tags name a record that exists
// (a clone or creation in flight has no VMID recorded yet). It sets the
// drift's record id from the tags otherwise.
func ownedByRecord(r proxmox.Resource, vms map[int]domain.VM, vmIDs map[uuid.UUID]domain.VM, cts containerRecords, d *Drift) bool {
	if _, ok := vms[r.VMID]; ok {
		return true
	}
	if _, ok := cts.byVMID[r.VMID]; ok {
		return true
	}
	if r.Type == "lxc" {
		if id, ok := ContainerIDFromTags(r.Tags); ok {
			if _, known := cts.byID[id]; known {
				return true
			}
			d.ContainerID = id.String()
		}
		return false
	}
	if id, ok := VMIDFromTags(r.Tags); ok {
		if _, known := vmIDs[id]; known {
			return true
		}
		d.VMRecID = id.String()
	}
	return false
}

// missingContainers are the containers Labforge holds ready whose guest
// the listing lacks and their node confirms gone; records changed within
// the grace period wait for the next cycle.
func (a *Inventory) missingContainers(ctx context.Context, nodes []domain.Node, cts containerRecords,
	guests map[int]proxmox.Resource) []Drift {
	var out []Drift
	for _, c := range cts.all {
		if c.State != domain.GuestReady || c.VMID == nil {
			continue
		}
		if _, ok := guests[*c.VMID]; ok || a.recent(c.UpdatedAt, time.Now()) || !a.confirmedGone(ctx, nodes, c.NodeID, "lxc", *c.VMID) {
			continue
		}
		out = append(out, Drift{Kind: EventMissingGuest, Type: "lxc", VMID: *c.VMID, ContainerID: c.ID.String()})
	}
	return out
}

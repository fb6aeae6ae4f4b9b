package activities

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// LabforgeTag marks every Proxmox guest Labforge created. Together with
// VMTag it is the ownership mark reconciliation relies on: a Labforge guest
// carries the tags "labforge" and "lf-<vm-id>" (the VM record's UUID, lower
// case), e.g. tags "labforge;lf-0b6c3f0e-8a51-4c1d-9a57-2f0d6f1e2a11".
const LabforgeTag = "labforge"

// vmTagPrefix starts the tag naming a guest's Labforge record.
const vmTagPrefix = "lf-"

// VMTag is the tag naming the Labforge record a guest belongs to.
func VMTag(id uuid.UUID) string { return vmTagPrefix + id.String() }

// VMIDFromTags returns the Labforge record id named by a guest's tags.
func VMIDFromTags(tags []string) (uuid.UUID, bool) {
	for _, t := range tags {
		if len(t) > len(vmTagPrefix) && strings.EqualFold(t[:len(vmTagPrefix)], vmTagPrefix) {
			if id, err := uuid.Parse(t[len(vmTagPrefix):]); err == nil {
				return id, true
			}
		}
	}
	return uuid.Nil, false
}

// Drift event kinds.
const (
	// EventOrphanGuest: a Labforge-tagged guest exists in Proxmox without a
	// live VM record.
	EventOrphanGuest = "drift.orphan_guest"
	// EventMissingGuest: a ready VM record whose guest Proxmox does not have.
	EventMissingGuest = "drift.missing_guest"
)

// ReconcileClusterInput asks for one cluster's drift check.
type ReconcileClusterInput struct {
	Cluster string `json:"cluster"`
	// DeleteOrphans deletes orphan guests (stopping them first) instead of
	// only reporting them.
	DeleteOrphans bool `json:"delete_orphans"`
}

// Drift is one finding of reconciliation.
type Drift struct {
	Kind string `json:"kind"`
	// Type is the guest's type, "qemu" or "lxc" (empty in findings
	// recorded before containers were checked: qemu).
	Type    string `json:"type,omitempty"`
	Node    string `json:"node,omitempty"`
	VMID    int    `json:"vmid"`
	VMRecID string `json:"vm_id,omitempty"`
	// ContainerID is the container record a container's finding is about.
	ContainerID string `json:"container_id,omitempty"`
	Deleted     bool   `json:"deleted,omitempty"`
	Error       string `json:"error,omitempty"`
}

// ClusterReconcileResult lists one cluster's drift.
type ClusterReconcileResult struct {
	Cluster   string  `json:"cluster"`
	EntryNode string  `json:"entry_node"`
	Findings  []Drift `json:"findings"`
}

// ReconcileCluster compares the cluster's guests (one GET
// /cluster/resources) with the VM and container records both ways, writes every finding
// as a system event and, when asked, deletes orphan guests. Each finding
// is checked with the guest's status/current first, since the listing's
// status lags (see inventory_confirm.go): an orphan must still exist and
// be no template, and is deleted only when its status could be read and
// it holds no lock (stopped first when it runs); a missing guest must be
// reported gone by its node, and a record changed within the grace period
// is never missing. Events carry
// IDs derived from the workflow run, so a retried attempt adds none twice.
func (a *Inventory) ReconcileCluster(ctx context.Context, in ReconcileClusterInput) (ClusterReconcileResult, error) {
	res := ClusterReconcileResult{Cluster: in.Cluster, Findings: []Drift{}}
	nodes, resources, entry, err := a.clusterResources(ctx, in.Cluster)
	if err != nil {
		return res, err
	}
	res.EntryNode = entry
	vms, err := a.clusterVMs(ctx, in.Cluster)
	if err != nil {
		return res, classify(err)
	}
	cts, err := a.clusterContainers(ctx, in.Cluster)
	if err != nil {
		return res, classify(err)
	}
	byVMID := map[int]domain.VM{}
	byID := map[uuid.UUID]domain.VM{}
	for _, vm := range vms {
		if vm.State == domain.GuestDeleted {
			continue
		}
		if vm.VMID != nil {
			byVMID[*vm.VMID] = vm
		}
		byID[vm.ID] = vm
	}
	guests := map[int]proxmox.Resource{}
	for _, r := range resources {
		if r.IsGuest() {
			guests[r.VMID] = r
		}
	}
	for _, r := range resources {
		if !r.IsGuest() || r.Template || !labforgeGuest(r) {
			continue
		}
		d := Drift{Kind: EventOrphanGuest, Type: r.Type, Node: r.Node, VMID: r.VMID}
		// A record that names no VMID yet (or another one) still owns its
		// guest: a clone or creation in flight is never an orphan.
		if ownedByRecord(r, byVMID, byID, cts, &d) {
			continue
		}
		// The entry's tags are current but its status and template flag
		// may be stale or missing: the guest itself says whether it is
		// still there, a template, busy with a task, or running.
		st, err := a.currentStatus(ctx, nodes, r.Node, r.Type, r.VMID)
		if proxmox.KindOf(err) == proxmox.NotFound || err == nil && st.Template {
			continue
		}
		if in.DeleteOrphans {
			switch {
			case err != nil:
				d.Error = "not deleted: its status could not be read: " + err.Error()
			case st.Lock != "":
				d.Error = "not deleted: it is locked (" + st.Lock + ")"
			default:
				if err := a.deleteGuest(ctx, nodes, r, st.Running()); err != nil {
					d.Error = err.Error()
				} else {
					d.Deleted = true
				}
			}
		}
		res.Findings = append(res.Findings, d)
	}
	now := time.Now()
	for _, vm := range vms {
		if vm.State != domain.GuestReady || vm.VMID == nil {
			continue
		}
		if _, ok := guests[*vm.VMID]; ok {
			continue
		}
		// The listing was read before the records: a VM that became ready
		// since is not in it. Records changed within the grace period wait
		// for the next cycle, and the others are flagged only when their
		// node confirms the guest is gone.
		if a.recent(vm.UpdatedAt, now) || !a.confirmedGone(ctx, nodes, vm.NodeID, "qemu", *vm.VMID) {
			continue
		}
		res.Findings = append(res.Findings, Drift{Kind: EventMissingGuest, Type: "qemu", VMID: *vm.VMID, VMRecID: vm.ID.String()})
	}
	res.Findings = append(res.Findings, a.missingContainers(ctx, nodes, cts, guests)...)
	runID := activity.GetInfo(ctx).WorkflowExecution.RunID
	for _, d := range res.Findings {
		if err := a.Events.AddSystemEvent(ctx, driftEvent(runID, in.Cluster, d)); err != nil {
			return res, classify(err)
		}
	}
	return res, nil
}

func driftEvent(runID, cluster string, d Drift) *domain.SystemEvent {
	ev := &domain.SystemEvent{
		ID:       fmt.Sprintf("%s/%s/%s/%d", runID, d.Kind, cluster, d.VMID),
		Severity: domain.SeverityWarning,
		Kind:     d.Kind,
		Details:  map[string]any{"cluster": cluster, "vmid": d.VMID, "node": d.Node},
	}
	switch d.Kind {
	case EventOrphanGuest:
		ev.ObjectType, ev.ObjectID = "guest", cluster+"/"+strconv.Itoa(d.VMID)
		tag := LabforgeTag
		if d.Type == "lxc" {
			tag = ContainerTag
		}
		ev.Message = fmt.Sprintf("guest %d on %s in cluster %s carries the %s tag but has no Labforge record", d.VMID, d.Node, cluster, tag)
		if d.Deleted {
			ev.Message += "; it was deleted"
			ev.Details["deleted"] = true
		}
		if d.Error != "" {
			ev.Severity = domain.SeverityError
			ev.Message += "; deleting it failed: " + d.Error
		}
		if d.VMRecID != "" {
			ev.Details["vm_id"] = d.VMRecID
		}
		if d.ContainerID != "" {
			ev.Details["container_id"] = d.ContainerID
		}
	case EventMissingGuest:
		if d.ContainerID != "" {
			ev.ObjectType, ev.ObjectID = domain.ObjectContainer, d.ContainerID
			ev.Message = fmt.Sprintf("container %s is ready in Labforge but cluster %s has no guest %d", d.ContainerID, cluster, d.VMID)
			break
		}
		ev.ObjectType, ev.ObjectID = domain.ObjectVM, d.VMRecID
		ev.Message = fmt.Sprintf("VM %s is ready in Labforge but cluster %s has no guest %d", d.VMRecID, cluster, d.VMID)
	}
	return ev
}

// confirmedGone reports whether the node a record places its guest (of
// kind qemu or lxc) on answers that the guest does not exist. A node that
// cannot be asked confirms nothing.
func (a *Inventory) confirmedGone(ctx context.Context, nodes []domain.Node, nodeID *uuid.UUID, kind string, vmid int) bool {
	node := ""
	for _, n := range nodes {
		if nodeID != nil && n.ID == *nodeID {
			node = n.Name
		}
	}
	if node == "" {
		return true // placed on a node no longer registered: nothing to ask
	}
	_, err := a.currentStatus(ctx, nodes, node, kind, vmid)
	if err != nil && proxmox.KindOf(err) != proxmox.NotFound {
		logger(a.Logger).Warn("missing guest not confirmed", slog.String("node", node), slog.Int("vmid", vmid), slog.Any("error", err))
	}
	return proxmox.KindOf(err) == proxmox.NotFound
}

// deleteGuest stops (when running, as its status/current said) and purges
// an orphan guest through its node's client.
func (a *Inventory) deleteGuest(ctx context.Context, nodes []domain.Node, r proxmox.Resource, running bool) error {
	var node *domain.Node
	for i := range nodes {
		if nodes[i].Name == r.Node {
			node = &nodes[i]
		}
	}
	if node == nil {
		return fmt.Errorf("node %s is not registered in Labforge", r.Node)
	}
	client, err := a.Clients.ForNode(node)
	if err != nil {
		return err
	}
	wait := func(upid string, err error) error {
		if err != nil {
			return err
		}
		activity.RecordHeartbeat(ctx, upid)
		// Heartbeat on every poll, and poll within the heartbeat timeout,
		// so a long delete is not taken for a dead worker.
		opts := proxmox.WaitOptions{}.Within(pollLimit(ctx))
		opts.Heartbeat = func(upid string, _ proxmox.TaskStatus) { activity.RecordHeartbeat(ctx, upid) }
		_, err = client.WaitTask(ctx, r.Node, upid, opts)
		return err
	}
	lxc := r.Type == "lxc"
	if running {
		var err error
		if lxc {
			err = wait(client.StopContainer(ctx, r.Node, r.VMID))
		} else {
			err = wait(client.StopVM(ctx, r.Node, r.VMID))
		}
		if err != nil && proxmox.KindOf(err) != proxmox.Conflict {
			return err
		}
	}
	if lxc {
		err = wait(client.DeleteContainer(ctx, r.Node, r.VMID, true, true))
	} else {
		err = wait(client.DeleteVM(ctx, r.Node, r.VMID, true, true))
	}
	if proxmox.KindOf(err) == proxmox.NotFound {
		return nil
	}
	if err == nil {
		logger(a.Logger).Info("orphan guest deleted", slog.String("node", r.Node), slog.Int("vmid", r.VMID))
	}
	return err
}

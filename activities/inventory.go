package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// Inventory holds the activities of the pve-periodic queue: inventory
// sync, drift reconciliation and node import. Each reads a cluster through
// ONE GET /cluster/resources.
type Inventory struct {
	Nodes     domain.NodeStore
	Templates domain.TemplateStore
	VMs       domain.VMStore
	// Containers, when set, has reconciliation check containers too.
	Containers domain.ContainerStore
	Events     domain.SystemEventLog
	Clients    *NodeClients
	Logger     *slog.Logger
	// Grace is how long after Labforge created or changed a VM record the
	// sync and reconciliation leave it alone; zero means
	// DefaultInventoryGrace, negative none.
	Grace time.Duration
}

func (a *Inventory) validate() error {
	if a.Nodes == nil || a.Templates == nil || a.VMs == nil || a.Events == nil || a.Clients == nil {
		return fmt.Errorf("the inventory activities need node, template and VM stores, the system-event log and node clients")
	}
	return nil
}

// ClusterSyncResult is what one cluster's inventory sync observed and stored.
type ClusterSyncResult struct {
	Cluster          string `json:"cluster"`
	EntryNode        string `json:"entry_node"`
	NodesOnline      int    `json:"nodes_online"`
	NodesOffline     int    `json:"nodes_offline"`
	Templates        int    `json:"templates"`
	TemplatesMissing int    `json:"templates_missing"`
	VMsUpdated       int    `json:"vms_updated"`
}

// ListClusters returns the names of every cluster with a registered node,
// sorted.
func (a *Inventory) ListClusters(ctx context.Context) ([]string, error) {
	nodes, err := a.allNodes(ctx)
	if err != nil {
		return nil, classify(err)
	}
	var clusters []string
	for _, n := range nodes {
		if !slices.Contains(clusters, n.Cluster) {
			clusters = append(clusters, n.Cluster)
		}
	}
	slices.Sort(clusters)
	return clusters, nil
}

// SyncCluster reads the cluster's resources once and stores node status
// and capacity, templates (upserted; those Proxmox no longer reports are
// marked missing) and the power state of Labforge VMs matched by VMID.
// Entries without status data ("unknown") change nothing. A record whose
// power is unknown takes the listed one; a known power state is replaced
// only by the guest's own status/current, never within the grace period
// after Labforge changed the record (see inventory_confirm.go), so a
// cycle without changes makes no request but the one listing.
func (a *Inventory) SyncCluster(ctx context.Context, cluster string) (ClusterSyncResult, error) {
	res := ClusterSyncResult{Cluster: cluster}
	nodes, resources, entry, err := a.clusterResources(ctx, cluster)
	if err != nil {
		a.markOffline(ctx, nodes)
		return res, err
	}
	res.EntryNode = entry
	now := time.Now().UTC()
	byName := map[string]*domain.Node{}
	for i := range nodes {
		byName[nodes[i].Name] = &nodes[i]
	}
	if err := a.syncNodes(ctx, nodes, resources, now, &res); err != nil {
		return res, classify(err)
	}
	if err := a.syncTemplates(ctx, cluster, byName, resources, now, &res); err != nil {
		return res, classify(err)
	}
	if err := a.syncVMs(ctx, cluster, nodes, resources, &res); err != nil {
		return res, classify(err)
	}
	return res, nil
}

// markOffline records that no node of a cluster could be reached, so
// placement stops choosing them until a sync sees them again. Capacity
// stays as last observed. Failures are only logged: the sync's own error
// is what the workflow reports.
func (a *Inventory) markOffline(ctx context.Context, nodes []domain.Node) {
	for i := range nodes {
		n := &nodes[i]
		if n.Status == domain.NodeOffline {
			continue
		}
		n.Status, n.SyncedAt = domain.NodeOffline, nil
		if err := a.Nodes.UpdateNodeStatus(ctx, n); err != nil {
			logger(a.Logger).Warn("node not marked offline", slog.String("node", n.Name), slog.Any("error", err))
		}
	}
}

func (a *Inventory) syncNodes(ctx context.Context, nodes []domain.Node, resources []proxmox.Resource, now time.Time, res *ClusterSyncResult) error {
	for i := range nodes {
		n := &nodes[i]
		prev := n.Status
		n.Status, n.SyncedAt = domain.NodeOffline, &now
		for _, r := range resources {
			if r.Type != "node" || r.Node != n.Name {
				continue
			}
			switch r.Status {
			case "online":
				n.Status = domain.NodeOnline
			case "unknown":
				// A cluster member without status data (back from a long
				// outage, not yet reported): keep what was known.
				n.Status = prev
				continue
			}
			n.MaxCPU, n.MaxMemoryBytes, n.UsedMemoryBytes = r.MaxCPU, int64(r.MaxMem), int64(r.Mem)
		}
		if n.Status == domain.NodeOnline {
			res.NodesOnline++
		} else {
			res.NodesOffline++
		}
		if err := a.Nodes.UpdateNodeStatus(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

func (a *Inventory) syncTemplates(ctx context.Context, cluster string, byName map[string]*domain.Node, resources []proxmox.Resource, now time.Time, res *ClusterSyncResult) error {
	known, err := a.clusterTemplates(ctx, cluster)
	if err != nil {
		return err
	}
	seen := map[int]bool{}
	for _, r := range resources {
		node, ok := byName[r.Node]
		if !r.IsGuest() || !ok {
			continue
		}
		if !listed(r) {
			// The guest exists, but whether it is a template is not
			// reported yet (or any more): a known template stays as it is.
			if _, known := known[r.VMID]; known {
				seen[r.VMID] = true
			}
			continue
		}
		if !r.Template {
			continue
		}
		seen[r.VMID] = true
		t := domain.VMTemplate{
			NodeID: node.ID, Cluster: cluster, VMID: r.VMID, Kind: domain.GuestKind(r.Type), Name: r.Name,
			Cores: r.MaxCPU, MemoryMB: int(r.MaxMem >> 20), DiskGB: int(r.MaxDisk >> 30),
			Linked: true, Status: domain.TemplateAvailable, SyncedAt: now,
		}
		if old, ok := known[r.VMID]; ok {
			t.OSType, t.Storage, t.Linked = old.OSType, old.Storage, old.Linked
		}
		if t.OSType == "" {
			a.readTemplateConfig(ctx, node, &t)
		}
		if err := a.Templates.UpsertTemplate(ctx, &t); err != nil {
			return err
		}
		res.Templates++
	}
	for vmid, t := range known {
		if seen[vmid] {
			continue
		}
		res.TemplatesMissing++
		if t.Status == domain.TemplateMissing {
			continue
		}
		t.Status, t.SyncedAt = domain.TemplateMissing, now
		if err := a.Templates.UpsertTemplate(ctx, &t); err != nil {
			return err
		}
	}
	return nil
}

// readTemplateConfig fills in the OS type and disk storage of a template
// seen for the first time. Resources do not carry them; the config is read
// once per template, never per cycle. A failure leaves them empty for the
// next cycle to try again.
func (a *Inventory) readTemplateConfig(ctx context.Context, node *domain.Node, t *domain.VMTemplate) {
	client, err := a.Clients.ForNode(node)
	if err != nil {
		return
	}
	var cfg proxmox.GuestConfig
	if t.Kind == domain.GuestLXC {
		cfg, err = client.ContainerConfig(ctx, node.Name, t.VMID)
	} else {
		cfg, err = client.VMConfig(ctx, node.Name, t.VMID)
	}
	if err != nil {
		logger(a.Logger).Warn("template config not read", slog.String("node", node.Name), slog.Int("vmid", t.VMID), slog.Any("error", err))
		return
	}
	t.OSType = cfg["ostype"]
	for _, key := range []string{"scsi0", "virtio0", "sata0", "ide0", "rootfs"} {
		if v, ok := cfg[key]; ok {
			if i := strings.IndexByte(v, ':'); i > 0 {
				t.Storage = v[:i]
			}
			break
		}
	}
}

func (a *Inventory) syncVMs(ctx context.Context, cluster string, nodes []domain.Node, resources []proxmox.Resource, res *ClusterSyncResult) error {
	guests := map[int]proxmox.Resource{}
	for _, r := range resources {
		if r.Type == "qemu" && !r.Template {
			guests[r.VMID] = r
		}
	}
	vms, err := a.clusterVMs(ctx, cluster)
	if err != nil {
		return err
	}
	for i := range vms {
		vm := &vms[i]
		if vm.VMID == nil {
			continue
		}
		g, ok := guests[*vm.VMID]
		if !ok {
			continue // a missing guest is Reconcile's finding
		}
		// "unknown" is no information; an entry that agrees may still be
		// stale, but then the next cycles catch up.
		power := powerOf(g.Status)
		if !listed(g) || power == vm.Power {
			continue
		}
		if vm.Power != domain.PowerUnknown {
			var ok bool
			if power, ok = a.confirmedChange(ctx, nodes, vm, g); !ok {
				continue
			}
		}
		err := a.VMs.RecordVMObservation(ctx, vm.ID, domain.VMObservation{Power: power})
		if domain.IsKind(err, domain.KindNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		res.VMsUpdated++
	}
	return nil
}

// confirmedChange returns the power state to store over the known one of
// vm, whose listing entry g differs from it: the guest's status/current,
// unless Labforge changed the record within the grace period, the guest
// agrees with the record after all, or the record changed meanwhile (a VM
// action recorded its outcome while the guest was asked). It reports
// false when nothing is to be stored.
func (a *Inventory) confirmedChange(ctx context.Context, nodes []domain.Node, vm *domain.VM, g proxmox.Resource) (domain.PowerState, bool) {
	if a.recent(vm.UpdatedAt, time.Now()) {
		return "", false
	}
	power, ok := a.confirmedPower(ctx, nodes, g)
	if !ok || power == vm.Power {
		return "", false
	}
	cur, err := a.VMs.FindVM(ctx, vm.ID)
	if err != nil || cur.Power != vm.Power || a.recent(cur.UpdatedAt, time.Now()) {
		return "", false
	}
	return power, true
}

func powerOf(status string) domain.PowerState {
	switch status {
	case "running":
		return domain.PowerRunning
	case "stopped":
		return domain.PowerStopped
	case "paused":
		return domain.PowerPaused
	}
	return domain.PowerUnknown
}

// clusterResources returns the cluster's nodes and its resources from ONE
// successful GET /cluster/resources. It asks the nodes online at the last
// sync first and falls back to the next node when one cannot be reached.
func (a *Inventory) clusterResources(ctx context.Context, cluster string) ([]domain.Node, []proxmox.Resource, string, error) {
	all, err := a.allNodes(ctx)
	if err != nil {
		return nil, nil, "", classify(err)
	}
	var nodes []domain.Node
	for _, n := range all {
		if n.Cluster == cluster {
			nodes = append(nodes, n)
		}
	}
	if len(nodes) == 0 {
		return nil, nil, "", temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("cluster %q has no registered node", cluster), ErrTypeNotFound, nil)
	}
	order := slices.Clone(nodes)
	slices.SortStableFunc(order, func(x, y domain.Node) int {
		return rank(x.Status) - rank(y.Status)
	})
	// Every node is tried: another node may have a working token or
	// certificate. The cluster is unreachable (retryable) when any node
	// failed for a transient reason, and a permanent failure otherwise.
	var errs []error
	permanent := true
	for i := range order {
		n := &order[i]
		client, err := a.Clients.ForNode(n)
		if err == nil {
			var resources []proxmox.Resource
			resources, err = client.ClusterResources(ctx, proxmox.ResourceAll)
			if err == nil {
				return nodes, resources, n.Name, nil
			}
		}
		logger(a.Logger).Warn("cluster entry node failed", slog.String("cluster", cluster), slog.String("node", n.Name), slog.Any("error", err))
		errs = append(errs, err)
		if proxmox.IsRetryable(err) || proxmox.KindOf(err) == proxmox.Unknown {
			permanent = false
		}
	}
	joined := errors.Join(errs...)
	msg := fmt.Sprintf("no node of cluster %q answered: %v", cluster, joined)
	if permanent {
		return nodes, nil, "", temporal.NewNonRetryableApplicationError(msg, ErrTypeClusterUnreachable, joined)
	}
	return nodes, nil, "", temporal.NewApplicationErrorWithCause(msg, ErrTypeClusterUnreachable, joined)
}

func rank(s domain.NodeStatus) int {
	switch s {
	case domain.NodeOnline:
		return 0
	case domain.NodeUnknown:
		return 1
	}
	return 2
}

func (a *Inventory) allNodes(ctx context.Context) ([]domain.Node, error) {
	return all(ctx, a.Nodes.ListNodes)
}

func (a *Inventory) clusterTemplates(ctx context.Context, cluster string) (map[int]domain.VMTemplate, error) {
	ts, err := all(ctx, func(ctx context.Context, page domain.Page) ([]domain.VMTemplate, string, error) {
		return a.Templates.ListTemplates(ctx, domain.TemplateFilter{Cluster: cluster, Page: page})
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int]domain.VMTemplate, len(ts))
	for _, t := range ts {
		out[t.VMID] = t
	}
	return out, nil
}

// clusterVMs returns the VM records of a cluster, with or without a VMID.
func (a *Inventory) clusterVMs(ctx context.Context, cluster string) ([]domain.VM, error) {
	return all(ctx, func(ctx context.Context, page domain.Page) ([]domain.VM, string, error) {
		return a.VMs.ListVMs(ctx, domain.VMFilter{Cluster: cluster, Page: page})
	})
}

// RecordSystemEvent appends ev to the system-event log. Give ev a stable
// ID: a retried attempt then adds nothing twice.
func (a *Inventory) RecordSystemEvent(ctx context.Context, ev domain.SystemEvent) error {
	if ev.ID == "" {
		info := activity.GetInfo(ctx)
		ev.ID = info.WorkflowExecution.RunID + "/" + info.ActivityID
	}
	return classify(a.Events.AddSystemEvent(ctx, &ev))
}

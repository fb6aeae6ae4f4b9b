package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// SyncInventoryScheduleID is the Temporal Schedule that starts SyncInventory.
const SyncInventoryScheduleID = "sync-inventory"

// EventClusterUnreachable is the system-event kind of a cluster that no
// node of answered during a sync or reconcile cycle.
const EventClusterUnreachable = "inventory.cluster_unreachable"

// SyncInventoryInput is the (empty) input of SyncInventory; it is a struct
// so fields can be added without breaking running schedules.
type SyncInventoryInput struct{}

// ClusterSync is one cluster's outcome in a sync cycle: what was stored, or
// why the cluster could not be read.
type ClusterSync struct {
	activities.ClusterSyncResult
	Error string `json:"error,omitempty"`
}

// SyncInventoryResult reports every cluster of the cycle.
type SyncInventoryResult struct {
	Clusters []ClusterSync `json:"clusters"`
	Failed   int           `json:"failed"`
}

// SyncInventory reads every cluster once (one GET /cluster/resources per
// cluster, in parallel) and stores nodes, templates and VM power states.
// A cluster that cannot be read is reported in the result and as a system
// event; the other clusters are synced regardless.
func SyncInventory(ctx workflow.Context, in SyncInventoryInput) (SyncInventoryResult, error) {
	var clusters []string
	if err := exec(ctx, periodicSpec, &clusters, inventory.ListClusters); err != nil {
		return SyncInventoryResult{}, err
	}
	futures := make([]workflow.Future, len(clusters))
	for i, c := range clusters {
		futures[i] = start(ctx, periodicSpec, inventory.SyncCluster, c)
	}
	res := SyncInventoryResult{Clusters: make([]ClusterSync, len(clusters))}
	for i, f := range futures {
		cs := ClusterSync{}
		if err := f.Get(ctx, &cs.ClusterSyncResult); err != nil {
			cs.Cluster, cs.Error = clusters[i], failureMessage(err)
			res.Failed++
			reportClusterFailure(ctx, "inventory sync", clusters[i], cs.Error)
		}
		res.Clusters[i] = cs
	}
	return res, nil
}

// reportClusterFailure writes the system event of a cluster a cycle could
// not read. Losing the event must not fail the cycle, so its error is logged.
func reportClusterFailure(ctx workflow.Context, cycle, cluster, msg string) {
	ev := domain.SystemEvent{
		ID:         fmt.Sprintf("%s/%s/%s", workflow.GetInfo(ctx).WorkflowExecution.RunID, EventClusterUnreachable, cluster),
		Severity:   domain.SeverityError,
		Kind:       EventClusterUnreachable,
		Message:    fmt.Sprintf("%s could not read cluster %s: %s", cycle, cluster, msg),
		ObjectType: "cluster",
		ObjectID:   cluster,
	}
	if err := exec(ctx, periodicSpec, nil, inventory.RecordSystemEvent, ev); err != nil {
		workflow.GetLogger(ctx).Error("system event not recorded", "cluster", cluster, "error", err)
	}
}

package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// ReconcileScheduleID is the Temporal Schedule that starts Reconcile.
const ReconcileScheduleID = "reconcile"

// ReconcileInput configures a reconcile cycle.
type ReconcileInput struct {
	// DeleteOrphans deletes Labforge-tagged guests that have no record
	// (LABFORGE_RECONCILE_DELETE_ORPHANS); otherwise they are only reported.
	DeleteOrphans bool `json:"delete_orphans"`
}

// ClusterReconcile is one cluster's outcome in a reconcile cycle.
type ClusterReconcile struct {
	activities.ClusterReconcileResult
	Error string `json:"error,omitempty"`
}

// ReconcileResult reports the drift of every cluster.
type ReconcileResult struct {
	Clusters       []ClusterReconcile `json:"clusters"`
	OrphanGuests   int                `json:"orphan_guests"`
	MissingGuests  int                `json:"missing_guests"`
	DeletedOrphans int                `json:"deleted_orphans"`
	Failed         int                `json:"failed"`
}

// Reconcile looks for drift both ways in every cluster: Labforge-tagged
// guests without a record (drift.orphan_guest) and ready records without
// a guest (drift.missing_guest). Findings become system events; nothing is
// deleted unless in.DeleteOrphans. A cluster that cannot be read is
// reported and the others are reconciled regardless.
func Reconcile(ctx workflow.Context, in ReconcileInput) (ReconcileResult, error) {
	var clusters []string
	if err := exec(ctx, periodicSpec, &clusters, inventory.ListClusters); err != nil {
		return ReconcileResult{}, err
	}
	futures := make([]workflow.Future, len(clusters))
	for i, c := range clusters {
		futures[i] = start(ctx, periodicSpec, inventory.ReconcileCluster, activities.ReconcileClusterInput{Cluster: c, DeleteOrphans: in.DeleteOrphans})
	}
	res := ReconcileResult{Clusters: make([]ClusterReconcile, len(clusters))}
	for i, f := range futures {
		cr := ClusterReconcile{}
		if err := f.Get(ctx, &cr.ClusterReconcileResult); err != nil {
			cr.Cluster, cr.Error = clusters[i], failureMessage(err)
			res.Failed++
			reportClusterFailure(ctx, "reconcile", clusters[i], cr.Error)
		}
		for _, d := range cr.Findings {
			switch d.Kind {
			case activities.EventOrphanGuest:
				res.OrphanGuests++
				if d.Deleted {
					res.DeletedOrphans++
				}
			case activities.EventMissingGuest:
				res.MissingGuests++
			}
		}
		res.Clusters[i] = cr
	}
	return res, nil
}

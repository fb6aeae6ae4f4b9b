package workflows

import (
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// ImportNodesInput asks for every node of a cluster to be registered,
// discovered through an entry node already registered with its endpoint
// and token. It holds no secret, since inputs stay in Temporal's history.
type ImportNodesInput struct {
	OperationID uuid.UUID
	EntryNodeID uuid.UUID
	Cluster     string
}

// ImportNodesWorkflowID returns the workflow ID of a node import operation.
func ImportNodesWorkflowID(operationID uuid.UUID) string {
	return "nodes/import/" + operationID.String()
}

// ImportNodesResult lists the outcome per node.
type ImportNodesResult struct {
	Nodes []activities.NodeImport `json:"nodes"`
}

// ImportNodes asks the cluster for its nodes (ImportClusterNodes runs on
// the pve-periodic queue, where Proxmox is reached) and registers each, reporting per-node results
// on the operation.
func ImportNodes(ctx workflow.Context, in ImportNodesInput) (ImportNodesResult, error) {
	p := &progress{operationID: in.OperationID}
	if err := p.setup(ctx); err != nil {
		return ImportNodesResult{}, err
	}
	if err := p.report(ctx, domain.OpRunning, "listing the cluster's nodes", "", nil); err != nil {
		return ImportNodesResult{}, err
	}
	var res ImportNodesResult
	if err := exec(ctx, importSpec, &res.Nodes, inventory.ImportClusterNodes, activities.ImportNodesInput{EntryNodeID: in.EntryNodeID}); err != nil {
		msg := failureMessage(err)
		if rerr := p.report(ctx, domain.OpFailed, "listing the cluster's nodes", msg, nil); rerr != nil {
			return res, rerr
		}
		return res, err
	}
	failed := 0
	items := make([]any, len(res.Nodes))
	for i, n := range res.Nodes {
		items[i] = map[string]any{"name": n.Name, "node_id": n.NodeID, "action": n.Action, "error": n.Error}
		if n.Error != "" {
			failed++
		}
	}
	result := map[string]any{"cluster": in.Cluster, "nodes": items}
	state, errMsg := domain.OpCompleted, ""
	if failed > 0 {
		state, errMsg = domain.OpFailed, fmt.Sprintf("%d of %d nodes could not be registered", failed, len(res.Nodes))
	}
	return res, p.report(ctx, state, "done", errMsg, result)
}

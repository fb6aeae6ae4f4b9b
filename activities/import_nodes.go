package activities

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// ImportNodesInput names the node, already registered with its endpoint
// and token, through which the rest of its cluster is discovered. It
// carries no secret: workflow inputs are kept in Temporal's history.
type ImportNodesInput struct {
	EntryNodeID uuid.UUID `json:"entry_node_id"`
}

// NodeImport is the outcome for one node: created, updated or failed.
type NodeImport struct {
	Name   string `json:"name"`
	NodeID string `json:"node_id,omitempty"`
	Action string `json:"action"`
	Error  string `json:"error,omitempty"`
}

// ImportClusterNodes lists the nodes of the entry node's cluster (one GET
// /cluster/resources?type=node through the entry node) and registers each
// other node with the entry node's connection settings: any node of a
// Proxmox cluster proxies API requests for the others, and an API token is
// valid cluster-wide. It is idempotent: a node already registered under
// (cluster, name) is updated, never duplicated. Per-node store failures are
// reported in the result; an unreachable or refusing endpoint fails the
// activity.
func (a *Inventory) ImportClusterNodes(ctx context.Context, in ImportNodesInput) ([]NodeImport, error) {
	entry, err := a.Nodes.FindNode(ctx, in.EntryNodeID)
	if err != nil {
		return nil, classify(err)
	}
	client, err := a.Clients.ForNode(entry)
	if err != nil {
		return nil, classifyPVE(err)
	}
	resources, err := client.ClusterResources(ctx, proxmox.ResourceNode)
	if err != nil {
		return nil, classifyPVE(err)
	}
	out := []NodeImport{}
	for _, r := range resources {
		if r.Type != "node" || r.Node == "" {
			continue
		}
		if r.Node == entry.Name {
			out = append(out, NodeImport{Name: entry.Name, NodeID: entry.ID.String(), Action: "entry"})
			continue
		}
		out = append(out, a.importNode(ctx, entry, r.Node))
	}
	return out, nil
}

// importNode registers node name of entry's cluster with entry's settings;
// a new node also takes entry's site.
func (a *Inventory) importNode(ctx context.Context, entry *domain.Node, name string) NodeImport {
	res := NodeImport{Name: name}
	n := *entry
	n.ID, n.Name, n.Status, n.SyncedAt = uuid.Nil, name, "", nil
	existing, err := a.Nodes.FindNodeByName(ctx, entry.Cluster, name)
	switch {
	case err == nil:
		// A known node keeps its site: the site is not a connection
		// setting the entry node shares.
		n.ID, n.SiteID, res.Action = existing.ID, existing.SiteID, "updated"
		err = a.Nodes.UpdateNode(ctx, &n)
	case domain.IsKind(err, domain.KindNotFound):
		res.Action = "created"
		err = a.Nodes.CreateNode(ctx, &n)
	}
	if err != nil {
		res.Action, res.Error = "failed", err.Error()
		return res
	}
	res.NodeID = n.ID.String()
	return res
}

package activities

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// NodeClients hands out one Proxmox client per registered node, built from
// the node's stored endpoint and token and rebuilt when they change, so a
// node's breaker and connection pool are shared by every activity of a
// worker process.
type NodeClients struct {
	Nodes   domain.NodeStore
	Timeout time.Duration
	Logger  *slog.Logger

	mu      sync.Mutex
	clients map[uuid.UUID]nodeClient
}

type nodeClient struct {
	endpoint proxmox.NodeEndpoint
	client   *proxmox.Client
}

// For returns the client of the node with the given id.
func (nc *NodeClients) For(ctx context.Context, nodeID uuid.UUID) (*proxmox.Client, error) {
	n, err := nc.Nodes.FindNode(ctx, nodeID)
	if err != nil {
		return nil, err
	}
	return nc.ForNode(n)
}

// ForNode returns the client for n, reusing the cached one while n's
// endpoint settings are unchanged.
func (nc *NodeClients) ForNode(n *domain.Node) (*proxmox.Client, error) {
	ep := EndpointOf(n)
	nc.mu.Lock()
	defer nc.mu.Unlock()
	if c, ok := nc.clients[n.ID]; ok && c.endpoint == ep {
		return c.client, nil
	}
	client, err := proxmox.New(ep, proxmox.Options{Timeout: nc.Timeout, Logger: nc.Logger})
	if err != nil {
		return nil, err
	}
	if nc.clients == nil {
		nc.clients = make(map[uuid.UUID]nodeClient)
	}
	nc.clients[n.ID] = nodeClient{endpoint: ep, client: client}
	return client, nil
}

// EndpointOf translates a stored node into the client layer's endpoint.
func EndpointOf(n *domain.Node) proxmox.NodeEndpoint {
	return proxmox.NodeEndpoint{
		Name: n.Name, Cluster: n.Cluster, URL: n.Endpoint,
		TokenID: n.TokenID, TokenSecret: n.TokenSecret,
		CAFile: n.TLSCAFile, Fingerprint: n.TLSFingerprint, Insecure: n.TLSInsecure,
	}
}

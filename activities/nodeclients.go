package activities

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/secrets"
)

// NodeClients hands out one Proxmox client per registered node, built from
// the node's stored endpoint and token and rebuilt when they change, so a
// node's breaker and connection pool are shared by every activity of a
// worker process. It is the one place a node's token secret is opened.
type NodeClients struct {
	Nodes domain.NodeStore
	// Keys opens the nodes' sealed token secrets (LABFORGE_SECRET_KEY).
	Keys    *secrets.Keyring
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
// endpoint settings are unchanged. A token secret that cannot be opened is
// KindInvalid naming the node, never the secret.
func (nc *NodeClients) ForNode(n *domain.Node) (*proxmox.Client, error) {
	secret, err := nc.tokenSecret(n)
	if err != nil {
		return nil, err
	}
	ep := EndpointOf(n, secret)
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

// tokenSecret opens n's sealed token secret.
func (nc *NodeClients) tokenSecret(n *domain.Node) (string, error) {
	switch {
	case n.SealedToken == nil:
		return "", domain.Errorf(domain.KindInvalid, "node %s has no sealed token secret: start a process with %s to seal the plain one, or register its token again",
			n.Name, secretKeyVariable)
	case nc.Keys == nil:
		return "", domain.Errorf(domain.KindInvalid, "node %s: its token secret cannot be opened without %s", n.Name, secretKeyVariable)
	}
	secret, err := nc.Keys.Open(n.SealedToken)
	if err != nil {
		return "", domain.Wrap(err, domain.KindInvalid, "node "+n.Name+": its token secret cannot be opened with the configured keys (LABFORGE_SECRET_KEY, LABFORGE_SECRET_KEYS_PREVIOUS)")
	}
	return secret, nil
}

// secretKeyVariable names the setting that holds the current secret key.
const secretKeyVariable = "LABFORGE_SECRET_KEY"

// EndpointOf translates a stored node, with its opened token secret, into
// the client layer's endpoint.
func EndpointOf(n *domain.Node, tokenSecret string) proxmox.NodeEndpoint {
	return proxmox.NodeEndpoint{
		Name: n.Name, Cluster: n.Cluster, URL: n.Endpoint,
		TokenID: n.TokenID, TokenSecret: tokenSecret,
		CAFile: n.TLSCAFile, Fingerprint: n.TLSFingerprint, Insecure: n.TLSInsecure,
	}
}

package proxmox

import (
	"context"
	"slices"
	"sync"
)

// ClientSet holds the endpoints of every node Labforge manages and builds
// each node's Client on first use, then reuses it (and so its breaker).
// Node names must be unique across clusters. It is safe for concurrent use.
type ClientSet struct {
	opts Options

	mu        sync.Mutex
	endpoints map[string]NodeEndpoint
	clients   map[string]*Client
}

// NewClientSet returns a set over the given endpoints; clients are built
// lazily by For. Duplicate node names are an Invalid error.
func NewClientSet(opts Options, endpoints ...NodeEndpoint) (*ClientSet, error) {
	s := &ClientSet{opts: opts, endpoints: map[string]NodeEndpoint{}, clients: map[string]*Client{}}
	for _, ep := range endpoints {
		if _, dup := s.endpoints[ep.Name]; dup {
			return nil, invalidf(ep.Name, "NewClientSet", "node %q is listed twice", ep.Name)
		}
		s.endpoints[ep.Name] = ep
	}
	return s, nil
}

// Set adds or replaces a node's endpoint; a replaced node's client (and
// breaker) is rebuilt on next use.
func (s *ClientSet) Set(ep NodeEndpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endpoints[ep.Name] = ep
	delete(s.clients, ep.Name)
}

// For returns the client of a node, building it on first use. An unknown
// node is a NotFound error; an unusable endpoint an Invalid one.
func (s *ClientSet) For(node string) (*Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clients[node]; ok {
		return c, nil
	}
	ep, ok := s.endpoints[node]
	if !ok {
		return nil, &Error{Kind: NotFound, Node: node, Op: "ClientSet.For", Message: "no endpoint configured for node " + node}
	}
	c, err := New(ep, s.opts)
	if err != nil {
		return nil, err
	}
	s.clients[node] = c
	return c, nil
}

// Nodes returns the configured node names, sorted.
func (s *ClientSet) Nodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.endpoints))
	for n := range s.endpoints {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// BreakerStates reports the breaker state of every node whose client has
// been built, for metrics and health pages.
func (s *ClientSet) BreakerStates() map[string]BreakerState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]BreakerState, len(s.clients))
	for n, c := range s.clients {
		out[n] = c.BreakerState()
	}
	return out
}

// WaitTask waits for a task through the client of the node named in its
// UPID, so a retried activity needs nothing but the UPID it recorded.
func (s *ClientSet) WaitTask(ctx context.Context, upid string, opts WaitOptions) (TaskStatus, error) {
	u, err := ParseUPID(upid)
	if err != nil {
		return TaskStatus{}, withOp(err, "", "WaitTask")
	}
	c, err := s.For(u.Node)
	if err != nil {
		return TaskStatus{}, err
	}
	return c.WaitTask(ctx, u.Node, upid, opts)
}

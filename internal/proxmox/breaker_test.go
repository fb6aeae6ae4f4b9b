package proxmox_test

import (
	"sync"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
)

func TestBreakerOpensOnDeadNodeAndCloses(t *testing.T) {
	s := newSim(t, nil)
	var (
		mu      sync.Mutex
		changes []string
		calls   = map[string]int{}
	)
	opts := proxmox.Options{
		Breaker: proxmox.BreakerSettings{FailuresToTrip: 3, OpenTimeout: 150 * time.Millisecond},
		OnBreakerChange: func(node string, from, to proxmox.BreakerState) {
			mu.Lock()
			changes = append(changes, node+":"+string(from)+"->"+string(to))
			mu.Unlock()
		},
		OnCall: func(c proxmox.Call) {
			mu.Lock()
			calls[c.Op+"/"+c.Outcome()]++
			mu.Unlock()
		},
	}
	c := newClient(t, s, "pve1", opts)
	ctx := testCtx(t, 10*time.Second)
	if _, err := c.NodeStatus(ctx, "pve1"); err != nil {
		t.Fatalf("NodeStatus with the node up: %v", err)
	}

	if err := s.SetNodeDown("pve1", true); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_, err := c.NodeStatus(ctx, "pve1")
		if e := wantKind(t, err, proxmox.NodeDown); e.Status != 595 || proxmox.IsBreakerOpen(err) {
			t.Fatalf("failure %d: %+v", i+1, e)
		}
	}
	if st := c.BreakerState(); st != proxmox.BreakerOpen {
		t.Fatalf("breaker after 3 failures = %s, want open", st)
	}

	sent := s.Stats().RequestCount("GET", "/nodes/{node}/status")
	start := time.Now()
	_, err := c.NodeStatus(ctx, "pve1")
	e := wantKind(t, err, proxmox.NodeDown)
	if !proxmox.IsBreakerOpen(err) || !e.Retryable() || e.Status != 0 {
		t.Errorf("open breaker error = %+v", e)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("open breaker took %s to fail", d)
	}
	// Every request to this endpoint fails fast, not only the node's paths.
	_, err = c.ClusterResources(ctx, proxmox.ResourceNode)
	if !proxmox.IsBreakerOpen(err) {
		t.Errorf("ClusterResources with the breaker open: %v", err)
	}
	if got := s.Stats().RequestCount("GET", "/nodes/{node}/status"); got != sent {
		t.Errorf("open breaker let %d requests through", got-sent)
	}

	if err := s.SetNodeDown("pve1", false); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if st := c.BreakerState(); st != proxmox.BreakerHalfOpen {
		t.Errorf("breaker after the open timeout = %s, want half-open", st)
	}
	if _, err := c.NodeStatus(ctx, "pve1"); err != nil {
		t.Fatalf("NodeStatus after the node returned: %v", err)
	}
	if st := c.BreakerState(); st != proxmox.BreakerClosed {
		t.Errorf("breaker after a successful probe = %s, want closed", st)
	}

	mu.Lock()
	defer mu.Unlock()
	want := []string{"pve1:closed->open", "pve1:open->half-open", "pve1:half-open->closed"}
	if len(changes) != len(want) {
		t.Fatalf("breaker changes = %v, want %v", changes, want)
	}
	for i := range want {
		if changes[i] != want[i] {
			t.Errorf("breaker changes = %v, want %v", changes, want)
		}
	}
	if calls["NodeStatus/ok"] != 2 || calls["NodeStatus/NodeDown"] != 4 || calls["ClusterResources/NodeDown"] != 1 {
		t.Errorf("OnCall outcomes = %v", calls)
	}
}

func TestBreakerIgnoresApplicationErrors(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{Breaker: proxmox.BreakerSettings{FailuresToTrip: 2}})
	ctx := testCtx(t, 5*time.Second)
	for range 5 {
		_, err := c.VMStatus(ctx, "pve1", 4242)
		wantKind(t, err, proxmox.NotFound)
	}
	if st := c.BreakerState(); st != proxmox.BreakerClosed {
		t.Errorf("breaker after application errors = %s, want closed", st)
	}
}

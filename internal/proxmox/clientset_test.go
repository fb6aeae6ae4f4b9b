package proxmox_test

import (
	"sync"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
)

func TestClientSet(t *testing.T) {
	s := newSim(t, nil)
	set, err := proxmox.NewClientSet(proxmox.Options{}, endpoint(s, "pve1"), endpoint(s, "pve2"))
	if err != nil {
		t.Fatal(err)
	}
	if got := set.Nodes(); len(got) != 2 || got[0] != "pve1" || got[1] != "pve2" {
		t.Errorf("Nodes = %v", got)
	}
	if len(set.BreakerStates()) != 0 {
		t.Error("clients built before use")
	}

	// Concurrent first use builds exactly one client per node.
	var wg sync.WaitGroup
	got := make([]*proxmox.Client, 16)
	for i := range got {
		wg.Go(func() {
			c, err := set.For("pve2")
			if err != nil {
				t.Error(err)
			}
			got[i] = c
		})
	}
	wg.Wait()
	for _, c := range got {
		if c != got[0] || c.Node() != "pve2" || c.Cluster() != "lab" {
			t.Fatalf("For returned different clients: %p vs %p", c, got[0])
		}
	}

	// A task started through one client is awaited from its UPID alone.
	ctx := testCtx(t, 10*time.Second)
	upid, err := got[0].StartVM(ctx, "pve2", 9002)
	if err != nil {
		t.Fatal(err)
	}
	_, err = set.WaitTask(ctx, upid, fastWait)
	wantKind(t, err, proxmox.Conflict) // templates cannot start
	if st := set.BreakerStates(); st["pve2"] != proxmox.BreakerClosed || len(st) != 1 {
		t.Errorf("BreakerStates = %v", st)
	}

	_, err = set.For("pve3")
	wantKind(t, err, proxmox.NotFound)
	_, err = set.WaitTask(ctx, "nope", fastWait)
	wantKind(t, err, proxmox.Invalid)

	ep := endpoint(s, "pve2")
	ep.Fingerprint = ""
	set.Set(ep)
	_, err = set.For("pve2")
	wantKind(t, err, proxmox.Invalid) // rebuilt from the new, unverifiable endpoint

	if _, err := proxmox.NewClientSet(proxmox.Options{}, endpoint(s, "pve1"), endpoint(s, "pve1")); proxmox.KindOf(err) != proxmox.Invalid {
		t.Errorf("duplicate endpoints: %v", err)
	}
}

package pvesim_test

import (
	"fmt"
	"strconv"
	"sync"
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestConcurrentResourceReadsWhileConfigChanges reads cluster/resources
// from several clients at once while another client changes a VM's
// memory. Readers share the state lock and fill the guests' cached
// figures, so under the race detector this guards that cache; the last
// read reports the memory set last, so a change still drops it.
func TestConcurrentResourceReadsWhileConfigChanges(t *testing.T) {
	seed := pvesim.DefaultSeed()
	seed.Guests = append(seed.Guests, pvesim.SeedGuest{VMID: 100, Node: "pve1", Name: "busy", Memory: 1024})
	s := newSim(t, func(c *pvesim.Config) { c.Seed = seed })
	c := newClient(t, s)
	cx := ctx(t)
	cl, err := c.Cluster(cx)
	if err != nil {
		t.Fatalf("Cluster: %v", err)
	}

	const readers, rounds = 4, 20
	errs := make(chan error, readers+1)
	var wg sync.WaitGroup
	for range readers {
		wg.Go(func() {
			for range rounds {
				if _, err := cl.Resources(cx, "vm"); err != nil {
					errs <- fmt.Errorf("Resources: %w", err)
					return
				}
			}
		})
	}
	vm := vmHandle(c, "pve1", 100)
	wg.Go(func() {
		for i := range rounds {
			mem := strconv.Itoa(1024 + 128*(i+1))
			if err := vm.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "memory", Value: mem}); err != nil {
				errs <- fmt.Errorf("ConfigSync memory=%s: %w", mem, err)
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	s.RefreshStatus() // the figures listed are the node's last status update
	rs, err := cl.Resources(cx, "vm")
	if err != nil {
		t.Fatalf("Resources: %v", err)
	}
	const want = uint64(1024+128*rounds) << 20
	for _, r := range rs {
		if r.VMID == 100 {
			if r.MaxMem != want {
				t.Errorf("VM 100 maxmem = %d after the last change, want %d", r.MaxMem, want)
			}
			return
		}
	}
	t.Error("VM 100 is not among the resources")
}

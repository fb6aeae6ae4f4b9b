package pvesim_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestConcurrentClonesStartDelete drives 120 clones, starts and deletes
// through the real client at once and checks the state stays consistent.
func TestConcurrentClonesStartDelete(t *testing.T) {
	seed := pvesim.DefaultSeed()
	for i := range seed.Nodes {
		seed.Nodes[i].Memory = 1 << 40 // room for 60 running 8 GiB VMs
	}
	s := newSim(t, func(c *pvesim.Config) {
		c.Seed = seed
		c.StorageLockLimit = -1
		c.Durations.CloneLinked = 20 * time.Second // 20 ms
	})
	c := newClient(t, s)
	const n = 120
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			node, src := "pve1", 9000
			if i%2 == 1 {
				node, src = "pve2", 9002
			}
			newid := 1000 + i
			vm := vmHandle(c, node, newid)
			steps := []func() (*proxmox.Task, error){
				func() (*proxmox.Task, error) {
					_, task, err := vmHandle(c, node, src).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: newid, Pool: "labforge"})
					return task, err
				},
				func() (*proxmox.Task, error) { return vm.Start(ctx(t)) },
			}
			if i%3 == 0 {
				steps = append(steps,
					func() (*proxmox.Task, error) { return vm.Stop(ctx(t)) },
					func() (*proxmox.Task, error) {
						return vm.Delete(ctx(t), &proxmox.VirtualMachineDeleteOptions{Purge: true})
					})
			}
			for _, step := range steps {
				if err := runTask(step()); err != nil {
					errs <- fmt.Errorf("VM %d: %w", newid, err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	guests := s.Guests()
	macs := map[string]int{}
	clones := 0
	for _, g := range guests {
		if g.VMID >= 1000 && g.VMID < 9000 {
			clones++
			if g.Status != "running" || g.Lock != "" || g.Pool != "labforge" {
				t.Errorf("guest %d: status %s lock %q pool %q", g.VMID, g.Status, g.Lock, g.Pool)
			}
		}
		for _, m := range g.MACs {
			macs[m]++
		}
	}
	if clones != n-n/3 {
		t.Errorf("%d clones left; want %d", clones, n-n/3)
	}
	for m, k := range macs {
		if k > 1 {
			t.Errorf("MAC %s used %d times", m, k)
		}
	}
	p, err := c.Pool(ctx(t), "labforge")
	if err != nil || len(p.Members) != clones {
		t.Errorf("pool members = %d, %v; want %d", len(p.Members), err, clones)
		for _, m := range p.Members {
			t.Logf("member %s %d", m.ID, m.VMID)
		}
	}
	st := s.Stats()
	for _, node := range []string{"pve1", "pve2"} {
		ns := st.Nodes[node]
		if ns.MaxRunning["qmclone"] < 2 || ns.Tasks["qmclone"].OK != n/2 || len(ns.Running) != 0 {
			t.Errorf("%s stats = %+v", node, ns)
		}
	}
	t.Logf("max concurrent qmclone: pve1 %d, pve2 %d", st.Nodes["pve1"].MaxRunning["qmclone"], st.Nodes["pve2"].MaxRunning["qmclone"])
}

// runTask waits for a task started by a go-proxmox call, for use off the
// test goroutine, and returns its failure as an error.
func runTask(task *proxmox.Task, err error) error {
	if err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if err := task.Ping(context.Background()); err != nil {
			return err
		}
		if task.IsCompleted {
			if task.ExitStatus != "OK" {
				return fmt.Errorf("task %s: %s", task.UPID, task.ExitStatus)
			}
			return nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("task %s still running after 10s", task.UPID)
}

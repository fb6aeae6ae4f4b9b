package proxmox_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestAwaitTaskSharesOneListAmongTheNodesTasks waits for four clones of
// one node at once: every waiter gets its task's outcome, and the node's
// poller asks with task lists, far fewer than the status polls the same
// waits cost one by one.
func TestAwaitTaskSharesOneListAmongTheNodesTasks(t *testing.T) {
	s := newSim(t, slowClones)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 20*time.Second)
	const n = 4 // the simulator lets four clones at once lock a storage
	before := s.Stats()
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		started := time.Now()
		upid, err := c.CloneVM(ctx, "pve1", 9000, 700+i, proxmox.CloneOptions{Full: true, Name: "shared"})
		if err != nil {
			t.Fatal(err)
		}
		opts := fastWait
		opts.Started = started
		wg.Go(func() {
			st, err := c.AwaitTask(ctx, upid, opts)
			if err == nil && (!st.Succeeded() || st.UPID != upid || st.Type != "qmclone") {
				err = errors.New("unexpected status " + st.Status + " " + st.ExitStatus)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("clone %d: %v", i, err)
		}
		if g := guest(t, s, "pve1", 700+i); g.Lock != "" {
			t.Errorf("clone %d still locked %q after its wait returned", i, g.Lock)
		}
	}
	after := s.Stats()
	lists := after.RequestCount("GET", "/nodes/{node}/tasks") - before.RequestCount("GET", "/nodes/{node}/tasks")
	polls := after.RequestCount("GET", "/nodes/{node}/tasks/{upid}/status") - before.RequestCount("GET", "/nodes/{node}/tasks/{upid}/status")
	// A 300 ms clone polled every 2–20 ms one by one costs some 30 polls;
	// four of them at once share the looks.
	t.Logf("%d task lists, %d status polls", lists, polls)
	if polls != 0 || lists == 0 || lists > 60 {
		t.Errorf("%d task lists and %d status polls for %d concurrent tasks; want a few dozen lists and no status polls", lists, polls, n)
	}
}

// TestAwaitTaskReportsFailuresAsWaitTaskDoes: a task that fails ends the
// wait with the error WaitTask gives, and a heartbeat comes with every look.
func TestAwaitTaskReportsFailuresAsWaitTaskDoes(t *testing.T) {
	s := newSim(t, slowClones)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.CloneVM(ctx, "pve1", 9000, 800, proxmox.CloneOptions{Full: true, Name: "doomed"})
	if err != nil {
		t.Fatal(err)
	}
	// The second clone fails in its task.
	if err := s.SetFaults(pvesim.Faults{TaskFailureRate: 1}); err != nil {
		t.Fatal(err)
	}
	upid2, err := c.CloneVM(ctx, "pve1", 9000, 801, proxmox.CloneOptions{Full: true, Name: "doomed2"})
	if err != nil {
		t.Fatal(err)
	}
	var beats atomic.Int32
	opts := fastWait
	opts.Heartbeat = func(u string, _ proxmox.TaskStatus) {
		if u == upid2 {
			beats.Add(1)
		}
	}
	_, werr := c.WaitTask(ctx, "", upid2, fastWait)
	st, aerr := c.AwaitTask(ctx, upid2, opts)
	if werr == nil || aerr == nil {
		t.Fatalf("failed task: WaitTask %v, AwaitTask %v", werr, aerr)
	}
	if proxmox.KindOf(aerr) != proxmox.KindOf(werr) || st.Succeeded() || st.Running() {
		t.Errorf("AwaitTask = %+v, %v; WaitTask said %v", st, aerr, werr)
	}
	var e *proxmox.Error
	if !errors.As(aerr, &e) || e.UPID != upid2 {
		t.Errorf("error %v does not carry the UPID", aerr)
	}
	if beats.Load() == 0 {
		t.Error("no heartbeat")
	}
	if _, err := c.AwaitTask(ctx, upid, fastWait); err != nil {
		t.Errorf("the first clone, started before the faults: %v", err)
	}
}

// TestAwaitTaskResumesAndStopsWithItsContext: a new client waits for a
// task it only knows the UPID of, and a cancelled wait returns at once
// with a Transient error.
func TestAwaitTaskResumesAndStopsWithItsContext(t *testing.T) {
	s := newSim(t, slowClones)
	first := newClient(t, s, "pve1", proxmox.Options{})
	upid, err := first.CloneVM(testCtx(t, 5*time.Second), "pve1", 9000, 810, proxmox.CloneOptions{Full: true, Name: "resumed"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t, 5*time.Second))
	cancel()
	if _, err := first.AwaitTask(ctx, upid, fastWait); !errors.Is(err, context.Canceled) || proxmox.KindOf(err) != proxmox.Transient {
		t.Fatalf("cancelled wait = %v", err)
	}
	second := newClient(t, s, "pve1", proxmox.Options{})
	st, err := second.AwaitTask(testCtx(t, 10*time.Second), upid, fastWait)
	if err != nil || st.ExitStatus != "OK" {
		t.Fatalf("resumed wait = %+v, %v", st, err)
	}
	if _, err := second.AwaitTask(testCtx(t, 5*time.Second), "UPID:bad", fastWait); proxmox.KindOf(err) != proxmox.Invalid {
		t.Errorf("malformed UPID: %v", err)
	}
}

// TestAwaitTaskLearnsWhenTasksEnd: once the poller has seen clones of a
// node end, it looks at the next ones around the time they end, not
// throughout: a later clone costs only a few looks.
func TestAwaitTaskLearnsWhenTasksEnd(t *testing.T) {
	s := newSim(t, slowClones)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 20*time.Second)
	wait := func(vmid int) int64 {
		before := s.Stats().RequestCount("GET", "/nodes/{node}/tasks")
		started := time.Now()
		upid, err := c.CloneVM(ctx, "pve1", 9000, vmid, proxmox.CloneOptions{Full: true, Name: "learn"})
		if err != nil {
			t.Fatal(err)
		}
		opts := proxmox.WaitOptions{Interval: 10 * time.Millisecond, MaxInterval: time.Second, Started: started}
		if _, err := c.AwaitTask(ctx, upid, opts); err != nil {
			t.Fatal(err)
		}
		t.Logf("a 300 ms clone was seen ending after %s", time.Since(started))
		return s.Stats().RequestCount("GET", "/nodes/{node}/tasks") - before
	}
	first := wait(820)
	var later int64
	for i := range 3 {
		later = max(later, wait(821+i))
	}
	// Unlearned, the 300 ms clone is looked at every 10 ms and then every
	// tenth of its age (some 20 looks); learned, at its end and an
	// Interval or two around it. How many looks a wait takes depends on
	// the machine's load, so the figures are logged, not asserted
	// (TestTypicalDuration* check the learning itself).
	t.Logf("looks per clone: %d before learning, up to %d after", first, later)
}

// TestAwaitTaskKeepsUpWithChurn: waiters come and go on two nodes while
// tasks of different lengths run; every waiter sees its own task end,
// however the others' waits overlap. (How late after the end depends on
// the machine's load: it is logged, not asserted.)
func TestAwaitTaskKeepsUpWithChurn(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) {
		c.StorageLockLimit = -1
		c.Durations = pvesim.Durations{CloneLinked: 50 * time.Second, CloneFull: 200 * time.Second}
	})
	ctx := testCtx(t, 60*time.Second)
	clients := map[string]*proxmox.Client{"pve1": newClient(t, s, "pve1", proxmox.Options{}), "pve2": newClient(t, s, "pve2", proxmox.Options{})}
	templates := map[string]int{"pve1": 9000, "pve2": 9002}
	opts := proxmox.WaitOptions{Interval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond}
	var wg sync.WaitGroup
	var late atomic.Int32
	errs := make(chan error, 200)
	for i := range 120 {
		node := []string{"pve1", "pve2"}[i%2]
		c := clients[node]
		wg.Go(func() {
			time.Sleep(time.Duration(i%20) * 15 * time.Millisecond)
			o := opts
			o.Started = time.Now()
			upid, err := c.CloneVM(ctx, node, templates[node], 1000+i, proxmox.CloneOptions{Full: i%7 == 0, Name: "churn"})
			if err != nil {
				errs <- err
				return
			}
			waiting := time.Now()
			st, err := c.AwaitTask(ctx, upid, o)
			if err != nil {
				errs <- err
				return
			}
			task, _ := s.Task(upid)
			if task.Ended.IsZero() || st.ExitStatus != task.ExitStatus {
				errs <- fmt.Errorf("%s: the wait ended with %q while the task is %+v", upid, st.ExitStatus, task)
				return
			}
			// A short clone may end before its POST's answer arrives.
			if since := time.Since(later(task.Ended, waiting)); since > 150*time.Millisecond {
				late.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d of 120 waits saw their task's end more than 150 ms late", late.Load())
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

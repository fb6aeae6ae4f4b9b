package proxmox_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	goprox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// slowClones makes a full clone take 300 ms at test scale.
func slowClones(c *pvesim.Config) { c.Durations = pvesim.Durations{CloneFull: 300 * time.Second} }

func TestWaitTaskResumesFromUPIDAfterCrash(t *testing.T) {
	s := newSim(t, slowClones)
	first := newClient(t, s, "pve1", proxmox.Options{})
	upid, err := first.CloneVM(testCtx(t, 5*time.Second), "pve1", 9000, 600, proxmox.CloneOptions{Full: true, Name: "resumed"})
	if err != nil {
		t.Fatal(err)
	}

	// The first attempt records the UPID in its heartbeat, then its worker
	// dies (its context is cancelled mid-wait).
	var recorded atomic.Value
	ctx, crash := context.WithCancel(testCtx(t, 10*time.Second))
	opts := fastWait
	opts.Heartbeat = func(u string, st proxmox.TaskStatus) {
		recorded.Store(u)
		if st.Running() {
			crash()
		}
	}
	_, err = first.WaitTask(ctx, "pve1", upid, opts)
	if !errors.Is(err, context.Canceled) || proxmox.KindOf(err) != proxmox.Transient {
		t.Fatalf("crashed wait = %v", err)
	}
	if g := guest(t, s, "pve1", 600); g.Lock != "clone" {
		t.Fatalf("clone no longer running when the first waiter died (lock %q)", g.Lock)
	}

	// The retried attempt has nothing but the recorded UPID and a new client.
	second := newClient(t, s, "pve1", proxmox.Options{})
	var beats atomic.Int32
	opts.Heartbeat = func(u string, _ proxmox.TaskStatus) {
		if u == recorded.Load().(string) {
			beats.Add(1)
		}
	}
	st, err := second.WaitTask(testCtx(t, 10*time.Second), "", recorded.Load().(string), opts)
	if err != nil || !st.Succeeded() || st.ExitStatus != "OK" || st.Type != "qmclone" {
		t.Fatalf("resumed wait = %+v, %v", st, err)
	}
	if beats.Load() == 0 {
		t.Error("resumed wait sent no heartbeat")
	}
	g := guest(t, s, "pve1", 600)
	if g.Lock != "" || g.Name != "resumed" || len(g.Disks) != 1 || g.Disks[0].Base != "" {
		t.Errorf("cloned VM = %+v", g)
	}
	clones := 0
	for _, tk := range s.Tasks() {
		if tk.Type == "qmclone" {
			clones++
		}
	}
	if clones != 1 {
		t.Errorf("%d clone tasks, want 1", clones)
	}
}

func TestWaitTaskStopsPromptlyOnCancel(t *testing.T) {
	s := newSim(t, slowClones)
	c := newClient(t, s, "pve1", proxmox.Options{})
	upid, err := c.CloneVM(testCtx(t, 5*time.Second), "pve1", 9000, 610, proxmox.CloneOptions{Full: true})
	if err != nil {
		t.Fatal(err)
	}
	slow := proxmox.WaitOptions{Interval: 5 * time.Second}

	ctx, cancel := context.WithCancel(testCtx(t, 10*time.Second))
	time.AfterFunc(30*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.WaitTask(ctx, "", upid, slow)
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancelled wait returned after %s", d)
	}
	if e := wantKind(t, err, proxmox.Transient); !errors.Is(err, context.Canceled) || e.UPID != upid {
		t.Errorf("cancelled wait: %+v", e)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = c.WaitTask(ctx, "", upid, slow)
	if d := time.Since(start); d > time.Second || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline wait returned %v after %s", err, d)
	}
}

func TestWaitTaskRejectsMalformedUPIDs(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 5*time.Second)
	sevenFields := "UPID:pve1:00000001:00000002:00000003:qmstart:100"
	func() {
		// The library indexes the 8th field of anything with 7: this is the
		// panic ParseUPID guards against.
		defer func() {
			if recover() == nil {
				t.Log("go-proxmox no longer panics on a 7-field UPID")
			}
		}()
		goprox.NewTask(goprox.UPID(sevenFields), c.API())
	}()
	for _, upid := range []string{
		"", "UPID", "UPID:pve1:bad", sevenFields, "UPID:pve1:0000000G:00000002:00000003:qmstart:100:root@pam:",
		"UPID:pve1:00000001:00000002:00000003:qmstart:100:root@pam", "UPID:pve1/../x:00000001:00000002:00000003:qmstart:100:root@pam:",
		"UPID:pve1:00000001:00000002:00000003:qm/start:100:root@pam:", "upid:pve1:00000001:00000002:00000003:qmstart:100:root@pam:",
	} {
		if _, err := c.WaitTask(ctx, "", upid, fastWait); proxmox.KindOf(err) != proxmox.Invalid {
			t.Errorf("WaitTask(%q) = %v, want Invalid", upid, err)
		}
	}
	if n := s.Stats().RequestCount("GET", "/nodes/{node}/tasks/{upid}/status"); n != 0 {
		t.Errorf("%d malformed UPIDs reached the server", n)
	}

	valid := "UPID:pve2:00000001:00000002:00000003:qmstart:100:root@pam:"
	_, err := c.WaitTask(ctx, "pve1", valid, fastWait)
	wantKind(t, err, proxmox.Invalid) // node mismatch
	// A well-formed UPID its node does not know: Proxmox answers 400 "no
	// such task" to status; it says nothing of how a task ended.
	before := s.Stats().RequestCount("GET", "/nodes/{node}/tasks/{upid}/status")
	_, err = c.WaitTask(ctx, "", valid, fastWait)
	if e := wantKind(t, err, proxmox.TaskUnknown); e.UPID != valid || e.Status != 400 || proxmox.IsRetryable(err) {
		t.Errorf("unknown task: %+v", e)
	}
	// The simulator counts a request once it has answered it: give the
	// count a moment to catch up.
	polls := func() int64 { return s.Stats().RequestCount("GET", "/nodes/{node}/tasks/{upid}/status") - before }
	for deadline := time.Now().Add(2 * time.Second); polls() < 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := polls(); n != 1 {
		t.Errorf("an unknown task was polled %d times, want once", n)
	}
}

func TestWaitTaskToleratesTransientPollErrors(t *testing.T) {
	s := newSim(t, slowClones)
	c := newClient(t, s, "pve1", proxmox.Options{})
	upid, err := c.CloneVM(testCtx(t, 5*time.Second), "pve1", 9000, 620, proxmox.CloneOptions{Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetFaults(pvesim.Faults{
		EndpointErrorRates: map[string]float64{"GET /nodes/{node}/tasks/{upid}/status": 0.5},
		ErrorText:          "cluster not ready - no quorum?",
	}); err != nil {
		t.Fatal(err)
	}
	var beats atomic.Int32
	opts := fastWait
	opts.MaxPollErrors = 30
	opts.Heartbeat = func(string, proxmox.TaskStatus) { beats.Add(1) }
	st, err := c.WaitTask(testCtx(t, 10*time.Second), "", upid, opts)
	if err != nil || !st.Succeeded() {
		t.Fatalf("WaitTask = %+v, %v", st, err)
	}
	if n := s.Stats().Statuses[500]; n == 0 {
		t.Error("no poll failed; the test proves nothing")
	}
	if beats.Load() == 0 {
		t.Error("no heartbeat")
	}

	// A node that stays down exhausts the tolerance with a retryable error.
	upid, err = c.StartVM(testCtx(t, 5*time.Second), "pve1", 620)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetNodeDown("pve1", true); err != nil {
		t.Fatal(err)
	}
	beats.Store(0)
	opts.MaxPollErrors = 3
	_, err = c.WaitTask(testCtx(t, 10*time.Second), "", upid, opts)
	if e := wantKind(t, err, proxmox.NodeDown); !e.Retryable() || e.Op != "WaitTask" || beats.Load() != 3 {
		t.Errorf("WaitTask on a dead node = %+v after %d heartbeats", e, beats.Load())
	}
}

func TestWaitTaskStopsOnPermanentPollError(t *testing.T) {
	s := newSim(t, slowClones)
	c := newClient(t, s, "pve1", proxmox.Options{})
	upid, err := c.CloneVM(testCtx(t, 5*time.Second), "pve1", 9000, 630, proxmox.CloneOptions{Full: true})
	if err != nil {
		t.Fatal(err)
	}
	ep := endpoint(s, "pve1")
	ep.TokenSecret = "revoked"
	bad, err := proxmox.New(ep, proxmox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = bad.WaitTask(testCtx(t, 10*time.Second), "", upid, fastWait)
	wantKind(t, err, proxmox.Unauthorized)
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("permanent poll error took %s", d)
	}
}

func TestWaitOptionsWithin(t *testing.T) {
	for _, tc := range []struct {
		name          string
		in            proxmox.WaitOptions
		limit         time.Duration
		first, capped time.Duration
	}{
		{"defaults below the limit", proxmox.WaitOptions{}, 20 * time.Second, time.Second, 10 * time.Second},
		{"no limit keeps the defaults", proxmox.WaitOptions{}, 0, time.Second, 10 * time.Second},
		{"the cap follows the limit", proxmox.WaitOptions{}, 2 * time.Second, time.Second, 2 * time.Second},
		{"so does the first delay", proxmox.WaitOptions{}, 300 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond},
		{"set delays within the limit stay", proxmox.WaitOptions{Interval: 10 * time.Millisecond, MaxInterval: 50 * time.Millisecond},
			time.Second, 10 * time.Millisecond, 50 * time.Millisecond},
	} {
		got := tc.in.Within(tc.limit)
		if got.Interval != tc.first || got.MaxInterval != tc.capped || got.MaxPollErrors != 5 {
			t.Errorf("%s: Within(%s) = %+v, want first delay %s, cap %s", tc.name, tc.limit, got, tc.first, tc.capped)
		}
	}
}

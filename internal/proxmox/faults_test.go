package proxmox_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// waitErr starts a task and returns the error of starting or waiting for it.
func waitErr(t *testing.T, c *proxmox.Client, upid string, err error) error {
	t.Helper()
	if err != nil {
		return err
	}
	_, err = c.WaitTask(testCtx(t, 10*time.Second), "", upid, fastWait)
	return err
}

func TestStorageLockTimeoutIsLocked(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Faults = &pvesim.Faults{LockTimeoutRate: 1} })
	c := newClient(t, s, "pve1", proxmox.Options{})
	upid, err := c.CloneVM(testCtx(t, 5*time.Second), "pve1", 9000, 500, proxmox.CloneOptions{})
	e := wantKind(t, waitErr(t, c, upid, err), proxmox.Locked)
	if !e.Retryable() || e.UPID != upid || !strings.Contains(e.Message, "can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout") {
		t.Errorf("error = %+v", e)
	}
	if _, ok := s.Guest("pve1", 500); ok {
		t.Error("failed clone left VM 500 behind")
	}
}

func TestConfigLockIsLocked(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations = pvesim.Durations{CloneLinked: 200 * time.Second} })
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	clone, err := c.CloneVM(ctx, "pve1", 9000, 501, proxmox.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g := guest(t, s, "pve1", 501); g.Lock != "clone" {
		t.Fatalf("VM 501 lock during clone = %q", g.Lock)
	}
	upid, err := c.StartVM(ctx, "pve1", 501)
	e := wantKind(t, waitErr(t, c, upid, err), proxmox.Locked)
	if e.Message != "VM is locked (clone)" || e.UPID == "" {
		t.Errorf("error = %+v", e)
	}
	mustTask(t, c, clone, nil)
}

func TestNodeUnreachable(t *testing.T) {
	for _, code := range []int{595, 596} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			s := newSim(t, func(c *pvesim.Config) { c.Faults = &pvesim.Faults{NodeDownCode: code} })
			c := newClient(t, s, "pve1", proxmox.Options{})
			if err := s.SetNodeDown("pve1", true); err != nil {
				t.Fatal(err)
			}
			_, err := c.VMStatus(testCtx(t, 5*time.Second), "pve1", 9000)
			e := wantKind(t, err, proxmox.NodeDown)
			if e.Status != code || !e.Retryable() || e.Node != "pve1" || e.Op != "VMStatus" {
				t.Errorf("error = %+v", e)
			}
			// Cluster-wide calls answered by the reachable proxy still work.
			if _, err := c.ClusterResources(testCtx(t, 5*time.Second), proxmox.ResourceNode); err != nil {
				t.Errorf("ClusterResources with pve1 down: %v", err)
			}
		})
	}
	t.Run("unreachable rate", func(t *testing.T) {
		s := newSim(t, func(c *pvesim.Config) { c.Faults = &pvesim.Faults{UnreachableRate: 1} })
		c := newClient(t, s, "pve1", proxmox.Options{})
		_, err := c.StartVM(testCtx(t, 5*time.Second), "pve1", 9000)
		if e := wantKind(t, err, proxmox.NodeDown); e.Status != 595 && e.Status != 596 {
			t.Errorf("status %d", e.Status)
		}
	})
}

func TestApplicationErrors(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	cloneLinked(t, c, 510)

	_, err := c.VMStatus(ctx, "pve1", 777)
	if e := wantKind(t, err, proxmox.NotFound); e.Status != 500 || e.Message != "Configuration file 'nodes/pve1/qemu-server/777.conf' does not exist" {
		t.Errorf("missing VM: %+v", e)
	}
	_, err = c.CloneVM(ctx, "pve1", 9000, 510, proxmox.CloneOptions{})
	wantKind(t, err, proxmox.AlreadyExists)

	if validating(t, s) {
		_, err = c.CloneVM(ctx, "pve1", 9000, 511, proxmox.CloneOptions{Name: "not a dns name!"})
		e := wantKind(t, err, proxmox.Invalid)
		if e.Status != 400 || e.Params["name"] == "" || e.Message != "Parameter verification failed." {
			t.Errorf("400: %+v", e)
		}
	}

	_, err = c.CloneVM(ctx, "pve1", 9000, 512, proxmox.CloneOptions{Pool: "nosuchpool"})
	if e := wantKind(t, err, proxmox.Unauthorized); e.Status != 403 {
		t.Errorf("missing pool: %+v", e)
	}

	upid, err := c.StartVM(ctx, "pve1", 510)
	mustTask(t, c, upid, err)
	// Proxmox accepts the second start and fails it inside the task.
	upid, err = c.StartVM(ctx, "pve1", 510)
	if err != nil {
		t.Fatalf("second start refused synchronously: %v", err)
	}
	st, err := c.WaitTask(ctx, "pve1", upid, fastWait)
	e := wantKind(t, err, proxmox.Conflict)
	if e.Message != "VM 510 already running" || e.UPID != upid || e.Status != 0 || st.ExitStatus != "VM 510 already running" || e.Retryable() {
		t.Errorf("task failure: %+v, status %+v", e, st)
	}
	_, err = c.DeleteVM(ctx, "pve1", 510, false, false)
	wantKind(t, err, proxmox.Conflict) // "VM 510 is running - destroy failed"
}

func TestInjectedServerErrorsAreTransient(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) {
		c.Faults = &pvesim.Faults{
			EndpointErrorRates: map[string]float64{"GET /nodes/{node}/qemu/{vmid}/status/current": 1},
			ErrorText:          "cluster not ready - no quorum?",
		}
	})
	c := newClient(t, s, "pve1", proxmox.Options{})
	_, err := c.VMStatus(testCtx(t, 5*time.Second), "pve1", 9000)
	if e := wantKind(t, err, proxmox.Transient); e.Status != 500 || e.Message != "cluster not ready - no quorum?" {
		t.Errorf("error = %+v", e)
	}
	if c.BreakerState() != proxmox.BreakerClosed {
		t.Errorf("application 500s moved the breaker to %s", c.BreakerState())
	}
}

func TestTaskFailure(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Faults = &pvesim.Faults{TaskFailureRate: 1} })
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.StartVM(ctx, "pve1", 9000)
	if err != nil {
		t.Fatal(err)
	}
	st, err := c.WaitTask(ctx, "", upid, fastWait)
	e := wantKind(t, err, proxmox.TaskFailed)
	if e.Message != "start failed: QEMU exited with code 1" || e.UPID != upid || e.Retryable() || st.Running() || st.Succeeded() {
		t.Errorf("error %+v, status %+v", e, st)
	}
	if ts, ok := s.Task(upid); !ok || ts.ExitStatus != e.Message {
		t.Errorf("simulator task = %+v", ts)
	}
}

func TestBadToken(t *testing.T) {
	s := newSim(t, nil)
	ep := endpoint(s, "pve1")
	ep.TokenSecret = "wrong"
	c, err := proxmox.New(ep, proxmox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Version(testCtx(t, 5*time.Second))
	if e := wantKind(t, err, proxmox.Unauthorized); e.Status != 401 || e.Retryable() {
		t.Errorf("error = %+v", e)
	}
}

// TestGoProxmoxErrorShapes shows how errors from go-proxmox's typed API
// (reached through API()) classify when passed through Classify.
func TestGoProxmoxErrorShapes(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)

	node, err := c.API().Node(ctx, "pve1")
	if err != nil {
		t.Fatal(err)
	}
	vm, err := node.VirtualMachine(ctx, 9000)
	if err != nil {
		t.Fatal(err)
	}
	// 500 arrives as the bare status text.
	_, err = vm.Reset(ctx)
	if err == nil || err.Error() != "500 VM 9000 not running" {
		t.Fatalf("go-proxmox error for 500 = %v", err)
	}
	if e := wantKind(t, c.Classify("Reset", err), proxmox.Conflict); e.Status != 500 || e.Message != "VM 9000 not running" {
		t.Errorf("500 shape %q → %+v", err, e)
	}

	// 400 arrives as "bad request: 400 Parameter verification failed. - {...}".
	if validating(t, s) {
		var upid string
		err = c.API().Post(ctx, "/nodes/pve1/qemu/9000/clone", map[string]any{"newid": 1}, &upid)
		e := wantKind(t, c.Classify("Clone", err), proxmox.Invalid)
		if e.Status != 400 || e.Params["newid"] == "" {
			t.Errorf("400 shape %q → %+v", err, e)
		}
	}

	// 595 with an empty body arrives as a JSON decode error.
	if err := s.SetNodeDown("pve1", true); err != nil {
		t.Fatal(err)
	}
	_, err = c.API().Node(ctx, "pve1")
	if err == nil || !strings.Contains(err.Error(), "JSON") {
		t.Fatalf("go-proxmox error for 595 = %v", err)
	}
	wantKind(t, c.Classify("Node", err), proxmox.NodeDown)
}

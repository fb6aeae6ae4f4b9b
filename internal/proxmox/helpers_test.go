package proxmox_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/internal/sim/pvesim/pveschema"
)

// testScale makes a 60 s full clone take 60 ms.
const testScale = 0.001

// fastWait polls at the pace of the time-scaled simulator.
var fastWait = proxmox.WaitOptions{Interval: 2 * time.Millisecond, MaxInterval: 20 * time.Millisecond}

// newSim starts a simulator of DefaultSeed at test scale; mutate adjusts
// its configuration. It is closed when the test ends.
func newSim(t testing.TB, mutate func(*pvesim.Config)) *pvesim.Server {
	t.Helper()
	cfg := pvesim.Config{TimeScale: testScale, RandomSeed: 7}
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := pvesim.NewServer(cfg)
	if err != nil {
		t.Fatalf("pvesim.NewServer: %v", err)
	}
	if err := s.Start(context.Background(), "127.0.0.1:0"); err != nil {
		t.Fatalf("pvesim Start: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// endpoint is node's endpoint on the simulator, authenticated with the
// seed's token and verified by the pinned certificate fingerprint.
func endpoint(s *pvesim.Server, node string) proxmox.NodeEndpoint {
	id, secret, _ := s.Token()
	return proxmox.NodeEndpoint{Name: node, Cluster: "lab", URL: s.URL(), TokenID: id, TokenSecret: secret,
		Fingerprint: s.Fingerprint()}
}

// newClient is a client for node on the simulator.
func newClient(t testing.TB, s *pvesim.Server, node string, opts proxmox.Options) *proxmox.Client {
	t.Helper()
	c, err := proxmox.New(endpoint(s, node), opts)
	if err != nil {
		t.Fatalf("proxmox.New: %v", err)
	}
	return c
}

// testCtx is a context bounded to d, cancelled when the test ends.
func testCtx(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// mustTask fails the test unless starting the task succeeded and the task
// ended OK.
func mustTask(t testing.TB, c *proxmox.Client, upid string, err error) proxmox.TaskStatus {
	t.Helper()
	if err != nil {
		t.Fatalf("start task: %v", err)
	}
	st, err := c.WaitTask(testCtx(t, 10*time.Second), "", upid, fastWait)
	if err != nil {
		t.Fatalf("task %s: %v", upid, err)
	}
	return st
}

// wantKind fails the test unless err is an *Error of kind want, and
// returns it.
func wantKind(t testing.TB, err error, want proxmox.Kind) *proxmox.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %s", want)
	}
	var e *proxmox.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *proxmox.Error", err, err)
	}
	if e.Kind != want || !errors.Is(err, want) {
		t.Fatalf("kind = %s, want %s (error: %v)", e.Kind, want, err)
	}
	return e
}

// guest returns a guest's state from the simulator or fails the test.
func guest(t testing.TB, s *pvesim.Server, node string, vmid int) pvesim.GuestState {
	t.Helper()
	g, ok := s.Guest(node, vmid)
	if !ok {
		t.Fatalf("simulator has no guest %d on %s", vmid, node)
	}
	return g
}

// cloneLinked clones template 9000 on pve1 into vmid and waits for it.
func cloneLinked(t testing.TB, c *proxmox.Client, vmid int) {
	t.Helper()
	upid, err := c.CloneVM(testCtx(t, 10*time.Second), "pve1", 9000, vmid, proxmox.CloneOptions{Name: "vm" + strconv.Itoa(vmid)})
	mustTask(t, c, upid, err)
}

// validating reports whether s checks requests against the PVE 9.1 schema,
// which is what turns bad parameters into Proxmox's 400. Without the schema
// file the 400 checks cannot run: they are skipped with a note, except
// under CI, where the schema must be present.
func validating(t testing.TB, s *pvesim.Server) bool {
	t.Helper()
	if s.Validating() {
		return true
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("PVE 9.1 API schema is required under CI (set %s or provide ../shared/reference/pve-9.1-api-schema.json)", pveschema.EnvSchemaPath)
	}
	t.Logf("PVE 9.1 API schema not found (set %s): skipping the 400 checks", pveschema.EnvSchemaPath)
	return false
}

// waitContainerIPv4 polls a running container's interfaces (up to 5 s)
// until the named one has an IPv4 address, and returns it.
func waitContainerIPv4(t testing.TB, c *proxmox.Client, node string, vmid int, name string) proxmox.Interface {
	t.Helper()
	ctx := testCtx(t, 5*time.Second)
	for {
		ifs, err := c.ContainerInterfaces(ctx, node, vmid)
		if err != nil {
			t.Fatalf("ContainerInterfaces: %v", err)
		}
		for _, i := range ifs {
			if _, ok := i.IPv4(); ok && i.Name == name {
				return i
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s of CT %d has no IPv4 address after 5s: %+v", name, vmid, ifs)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

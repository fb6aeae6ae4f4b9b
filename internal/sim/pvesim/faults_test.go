package pvesim_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

func TestNodeDown(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	cx := ctx(t)
	win := template(t, c, "pve2", 9002)
	if err := s.SetNodeDown("pve2", true); err != nil {
		t.Fatal(err)
	}

	r := rawDo(t, s, "GET", "/nodes/pve2/status", "", "", nil)
	if r.status != 595 || r.reason != "No route to host" || r.body != "" || r.header.Get("Content-Length") != "" {
		t.Errorf("down node: %d %q body %q", r.status, r.reason, r.body)
	}
	// What go-proxmox makes of it: a JSON error when it decodes a result...
	if _, err := c.Node(cx, "pve2"); err == nil || err.Error() != "unexpected end of JSON input" {
		t.Errorf("go-proxmox Node on a down node: %v", err)
	}
	if _, err := win.Start(cx); err == nil || err.Error() != "unexpected end of JSON input" {
		t.Errorf("go-proxmox Start on a down node: %v", err)
	}
	// ...and nothing at all when it decodes no result: the 595 passes as success.
	if err := win.ConfigSync(cx, proxmox.VirtualMachineOption{Name: "cores", Value: 2}); err != nil {
		t.Errorf("go-proxmox ConfigSync on a down node returned %v; v0.8.0 swallows 595 here", err)
	}

	rs, err := (&proxmox.Cluster{}).New(c).Resources(cx)
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rs {
		// The guests of a node that died keep their last status (see
		// TestResourcesOfDeadNodeExpire).
		if res.ID == "node/pve2" && res.Status != "offline" || res.ID == "qemu/9002" && res.Status != "stopped" {
			t.Errorf("resource of down node: %+v", res)
		}
	}
	cl, _ := c.Cluster(cx)
	for _, n := range cl.Nodes {
		if n.Name == "pve2" && n.Online != 0 {
			t.Errorf("cluster status still has pve2 online")
		}
	}

	if err := s.SetFaults(pvesim.Faults{NodeDownCode: 596}); err != nil {
		t.Fatal(err)
	}
	r = rawDo(t, s, "GET", "/nodes/pve2/qemu", "", "", nil)
	if r.status != 596 || r.reason != "Connection timed out" || r.body != "" {
		t.Errorf("596: %d %q %q", r.status, r.reason, r.body)
	}

	if err := s.SetNodeDown("pve2", false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Node(cx, "pve2"); err != nil {
		t.Errorf("node back up: %v", err)
	}
}

// outcomes issues the same request sequence and records each status.
func outcomes(t *testing.T, seed uint64) []string {
	s := newSim(t, func(c *pvesim.Config) {
		c.RandomSeed = seed
		c.Faults = &pvesim.Faults{ErrorRate: 0.3, UnreachableRate: 0.2, TaskFailureRate: 0.3}
	})
	var out []string
	for i := 0; i < 40; i++ {
		r := rawDo(t, s, "GET", "/nodes/pve1/storage", "", "", nil)
		out = append(out, r.reason)
	}
	c := newClient(t, s)
	for i := 0; i < 10; i++ {
		_, task, err := vmHandle(c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 400 + i})
		for err != nil {
			// retry injected request errors until the clone is accepted
			out = append(out, "clone: "+err.Error())
			_, task, err = vmHandle(c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 400 + i})
		}
		out = append(out, "task: "+waitTaskRetrying(t, task))
	}
	return out
}

// waitTaskRetrying waits for a task while injected faults make some polls fail.
func waitTaskRetrying(t *testing.T, task *proxmox.Task) string {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if err := task.Ping(ctx(t)); err == nil && task.IsCompleted {
			return task.ExitStatus
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("task %s did not finish", task.UPID)
	return ""
}

func TestFaultsReproducible(t *testing.T) {
	a, b, other := outcomes(t, 7), outcomes(t, 7), outcomes(t, 8)
	if strings.Join(a, "|") != strings.Join(b, "|") {
		t.Errorf("same seed, different outcomes:\n%v\n%v", a, b)
	}
	if strings.Join(a, "|") == strings.Join(other, "|") {
		t.Error("different seeds gave identical outcomes")
	}
	kinds := map[string]bool{}
	for _, o := range a {
		switch {
		case o == "OK" || o == "task: OK":
			kinds["ok"] = true
		case o == "Connection refused" || o == "Connection timed out":
			kinds["unreachable"] = true
		case strings.HasPrefix(o, "task: clone failed:"):
			kinds["taskfail"] = true
		case o == "cluster not ready - no quorum?" || strings.Contains(o, "got lock request timeout") || strings.Contains(o, "got timeout"):
			kinds["error"] = true
		}
	}
	for _, k := range []string{"ok", "unreachable", "taskfail", "error"} {
		if !kinds[k] {
			t.Errorf("no %s outcome in %v", k, a)
		}
	}
}

func TestLockTimeoutFault(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Faults = &pvesim.Faults{LockTimeoutRate: 1} })
	c := newClient(t, s)
	_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 450})
	if err != nil {
		t.Fatal(err)
	}
	if got := waitTask(t, task).ExitStatus; got != "clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout" {
		t.Errorf("exit status = %q", got)
	}
	if _, ok := s.Guest("pve1", 450); ok {
		t.Error("failed clone left VM 450")
	}
}

func TestTimeScaleHonoured(t *testing.T) {
	measure := func(scale float64) time.Duration {
		s := newSim(t, func(c *pvesim.Config) { c.TimeScale = scale })
		c := newClient(t, s)
		start := time.Now()
		_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 460, Full: true})
		mustOK(t, task, err)
		return time.Since(start)
	}
	fast, slow := measure(0.001), measure(0.005)
	if fast < 60*time.Millisecond || slow < 300*time.Millisecond || slow > 3*time.Second {
		t.Errorf("full clone took %v at scale 0.001 and %v at 0.005; want ≈60 ms and ≈300 ms", fast, slow)
	}
}

func TestLatencyAndAdminAPI(t *testing.T) {
	s := newSim(t, nil)
	cl := rawClient(s)
	put := func(path, body string) *http.Response {
		req, _ := http.NewRequest(http.MethodPut, s.URL()+path, strings.NewReader(body))
		res, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := put("/_sim/faults", `{"latency":"30ms","error_rate":0}`); res.StatusCode != 200 {
		t.Fatalf("PUT faults: %d", res.StatusCode)
	}
	if f := s.Faults(); f.Latency != 30*time.Millisecond {
		t.Errorf("faults = %+v", f)
	}
	start := time.Now()
	rawDo(t, s, "GET", "/version", "", "", nil)
	if el := time.Since(start); el < 30*time.Millisecond {
		t.Errorf("request took %v with 30 ms latency", el)
	}
	if res := put("/_sim/faults", `{"error_rate":2}`); res.StatusCode != 400 {
		t.Errorf("invalid faults accepted: %d", res.StatusCode)
	}

	res, err := cl.Post(s.URL()+"/_sim/nodes/pve1/down", "", nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("node down: %v %v", res, err)
	}
	res.Body.Close()
	if r := rawDo(t, s, "GET", "/nodes/pve1/qemu", "", "", nil); r.status != 595 {
		t.Errorf("after admin down: %d", r.status)
	}
	res, _ = cl.Post(s.URL()+"/_sim/nodes/pve1/up", "", nil)
	res.Body.Close()

	// A request is counted once its answer is written, so the client may
	// see the answer a moment before the count.
	var st pvesim.Stats
	eventually(t, "the 595 in the stats", func() bool {
		res, err := cl.Get(s.URL() + "/_sim/stats")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		st = pvesim.Stats{}
		if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
			t.Fatal(err)
		}
		return st.RequestCount("GET", "/nodes/{node}/qemu") == 1 && st.Statuses[595] == 1
	})
}

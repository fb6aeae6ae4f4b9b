package pvesim_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/internal/sim/pvesim/pveschema"
)

func TestMain(m *testing.M) {
	// go-proxmox's agent and task helpers poll at this interval; the
	// simulator runs at testScale, so poll accordingly.
	proxmox.DefaultWaitInterval = 5 * time.Millisecond
	os.Exit(m.Run())
}

// testScale makes a 60 s full clone take 60 ms.
const testScale = 0.001

// schemaOrSkip returns the PVE 9.1 schema, skipping the test when the file
// is absent, except under CI, where its absence fails the test.
func schemaOrSkip(t testing.TB) *pveschema.Schema {
	t.Helper()
	sc, err := pveschema.LoadDefault()
	if errors.Is(err, pveschema.ErrNotFound) {
		if os.Getenv("CI") != "" {
			t.Fatalf("PVE 9.1 API schema is required under CI: %v", err)
		}
		t.Skipf("PVE 9.1 API schema not found (set %s or provide ../shared/reference/pve-9.1-api-schema.json): %v", pveschema.EnvSchemaPath, err)
	}
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return sc
}

// newSim starts a simulator at test scale; mutate adjusts the config.
func newSim(t testing.TB, mutate func(*pvesim.Config)) *pvesim.Server {
	t.Helper()
	cfg := pvesim.Config{TimeScale: testScale, RandomSeed: 42}
	if sc, err := pveschema.LoadDefault(); err == nil {
		cfg.Schema = sc
	}
	if mutate != nil {
		mutate(&cfg)
	}
	s, err := pvesim.NewServer(cfg)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	if err := s.Start(context.Background(), "127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// newClient is a go-proxmox client authenticated with the seed's API token
// and trusting only the simulator's certificate.
func newClient(t testing.TB, s *pvesim.Server) *proxmox.Client {
	t.Helper()
	id, secret, _ := s.Token()
	return proxmox.NewClient(s.APIURL(), proxmox.WithAPIToken(id, secret), proxmox.WithRootCAs(s.CertPool()))
}

// ctx is a test context bounded to 30 s.
func ctx(t testing.TB) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// waitTask polls a task until it stops (bounded to 10 s) and returns it.
func waitTask(t testing.TB, task *proxmox.Task) *proxmox.Task {
	t.Helper()
	if task == nil {
		t.Fatal("nil task")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := task.Ping(context.Background()); err != nil {
			t.Fatalf("ping task %s: %v", task.UPID, err)
		}
		if task.IsCompleted {
			return task
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s still running after 10s", task.UPID)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// mustOK waits for a task and fails the test unless it ended OK.
func mustOK(t testing.TB, task *proxmox.Task, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("start task: %v", err)
	}
	if tk := waitTask(t, task); tk.ExitStatus != "OK" {
		t.Fatalf("task %s ended with %q", tk.UPID, tk.ExitStatus)
	}
}

// eventually polls cond every 2 ms for up to 5 s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// rawResponse is a response read off the wire.
type rawResponse struct {
	status int
	reason string // the full status text after the code, e.g. "VM 104 already running"
	header http.Header
	body   string
	closed bool // the server announced Connection: close
}

// rawDo sends a request with the token (unless auth is given) and returns
// the response with its body.
func rawDo(t testing.TB, s *pvesim.Server, method, path, contentType, body string, auth map[string]string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(method, s.APIURL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth == nil {
		_, _, h := s.Token()
		req.Header.Set("Authorization", h)
	}
	for k, v := range auth {
		req.Header.Set(k, v)
	}
	res, err := rawClient(s).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	_, reason, _ := strings.Cut(res.Status, " ")
	return rawResponse{status: res.StatusCode, reason: reason, header: res.Header, body: string(b), closed: res.Close}
}

// rawClient is an HTTP client trusting the simulator's certificate.
func rawClient(s *pvesim.Server) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}}
}

// waitSimTask waits up to 10 s for a task of type typ on guest vmid to
// appear and end, and returns it: for tasks that another task starts.
func waitSimTask(t testing.TB, s *pvesim.Server, typ string, vmid int) pvesim.TaskState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, tk := range s.Tasks() {
			if tk.Type == typ && tk.ID == strconv.Itoa(vmid) && !tk.Running {
				return tk
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no finished %s task for %d after 10s", typ, vmid)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitSimTaskAfter is waitSimTask for a task that started no earlier than
// the task upid: the latest of several tasks of one type.
func waitSimTaskAfter(t testing.TB, s *pvesim.Server, typ string, vmid int, upid string) pvesim.TaskState {
	t.Helper()
	prev, ok := s.Task(upid)
	if !ok {
		t.Fatalf("no task %s", upid)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, tk := range s.Tasks() {
			if tk.Type == typ && tk.ID == strconv.Itoa(vmid) && !tk.Running && !tk.Started.Before(prev.Started) && tk.UPID != upid {
				return tk
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no finished %s task for %d after %s within 10s", typ, vmid, upid)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

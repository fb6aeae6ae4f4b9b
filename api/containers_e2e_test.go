package api_test

// End-to-end tests of self-service containers: the real API, the embedded
// Temporal server, PostgreSQL, the Proxmox simulator and the site's
// gateway with the real NGINX and dnsmasq, on loopback (see ctLab). They
// assert what a user, the simulator, the gateway's tools and the store
// see, never how long anything took.

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/workflows"
)

// TestE2EContainerLifecycleThroughTheGateway creates a container with an
// HTTP and a TCP service, reaches both through NGINX and its name through
// dnsmasq, changes its services, reaches the new port, and deletes it:
// then neither tool knows it and its address, MAC, VMID and ports are
// free again.
func TestE2EContainerLifecycleThroughTheGateway(t *testing.T) {
	t.Parallel()
	l := startCTLab(t, ctLabOptions{})
	id, location := l.createContainer(t, l.pat, "web", l.webServices("web"))
	host := "web." + l.domain
	var ct containerView

	apptest.Step(t, "the container runs at its reserved address", func(t *testing.T) {
		l.await(t, location)
		ct = l.container(t, id)
		require.Equal(t, "running", ct.Status)
		require.Equal(t, "web."+l.site.Name+".internal", ct.DNSName)
		require.True(t, strings.HasPrefix(ct.MAC, "BC:24:11:"), ct.MAC)
		guests := containerGuests(l.sim, id)
		require.Len(t, guests, 1)
		require.Equal(t, "running", guests[0].Status)
		require.Equal(t, ct.IPv4, guests[0].IPv4, "the lease is the gateway's reservation")
		require.Equal(t, ct.MAC, guests[0].MACs["net0"])
		require.Equal(t, "1", guests[0].Config["unprivileged"])
	})

	var tcpPort int
	apptest.Step(t, "reachable by name, by port and in DNS", func(t *testing.T) {
		status, body := l.getByName(host)
		require.Equal(t, http.StatusOK, status, "%s\n%s", body, l.gatewayFiles(t))
		require.Contains(t, body, fmt.Sprintf("web (CT %d)", *ct.VMID))
		requireWebSocketUpgrade(t, l, host)
		require.NotNil(t, ct.Services[1].ExternalPort)
		tcpPort = *ct.Services[1].ExternalPort
		require.Equal(t, "127.0.0.1:"+strconv.Itoa(tcpPort), ct.Services[1].PublicAddress)
		status, body = l.getByPort(tcpPort)
		require.Equal(t, http.StatusOK, status, body)
		addrs, err := l.resolve(ct.DNSName)
		require.NoError(t, err)
		require.Equal(t, []string{ct.IPv4}, addrs)
		status, _ = l.getByName("unknown." + l.domain)
		require.Equal(t, http.StatusNotFound, status, "an unknown name")
		t.Logf("the gateway's files:\n%s", l.gatewayFiles(t))
	})

	var newPort int
	apptest.Step(t, "a new service is reachable on its new port", func(t *testing.T) {
		services := append(l.webServices("web"), map[string]any{"protocol": "tcp", "internal_port": 8080})
		r := l.s.Do(t, "PATCH", "/api/v1/containers/"+id.String(), l.pat, map[string]any{"services": services, "cores": 2})
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		l.await(t, r.Header.Get("Location"))
		ct = l.container(t, id)
		require.Len(t, ct.Services, 3)
		require.Equal(t, tcpPort, *ct.Services[1].ExternalPort, "the kept service keeps its port")
		newPort = *ct.Services[2].ExternalPort
		require.NotEqual(t, tcpPort, newPort)
		status, body := l.getByPort(newPort)
		require.Equal(t, http.StatusOK, status, body)
		guest := containerGuests(l.sim, id)[0]
		require.Equal(t, "2", guest.Config["cores"])
	})

	apptest.Step(t, "deleted: the gateway forgets it and everything it held is free", func(t *testing.T) {
		r := l.s.Do(t, "DELETE", "/api/v1/containers/"+id.String(), l.pat, nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		l.await(t, r.Header.Get("Location"))
		require.Equal(t, "deleted", l.container(t, id).Status)
		require.Empty(t, containerGuests(l.sim, id), "the guest is destroyed")

		status, _ := l.getByName(host)
		require.Equal(t, http.StatusNotFound, status)
		for _, p := range []int{tcpPort, newPort} {
			status, _ = l.getByPort(p)
			require.Zero(t, status, "port %d still answers", p)
		}
		addrs, err := l.resolve(ct.DNSName)
		require.NoError(t, err)
		require.Empty(t, addrs)
		files := l.gatewayFiles(t)
		for _, s := range []string{ct.IPv4, ct.MAC, host, strconv.Itoa(tcpPort)} {
			require.NotContains(t, files, s)
		}
		ips, vmids, ports := heldByContainer(t, l.s, id)
		require.Zero(t, ips+vmids+ports, "addresses %d, VMIDs %d, ports %d still held", ips, vmids, ports)
	})

	apptest.Step(t, "the freed address, name and port go to the next container", func(t *testing.T) {
		next, location := l.createContainer(t, l.pat, "web", l.webServices("web"))
		l.await(t, location)
		again := l.container(t, next)
		require.Equal(t, ct.IPv4, again.IPv4, "the lowest free address")
		require.Equal(t, tcpPort, *again.Services[1].ExternalPort, "the lowest free port")
	})
}

// requireWebSocketUpgrade opens a WebSocket through NGINX to host and
// requires the container's 101 Switching Protocols.
func requireWebSocketUpgrade(t *testing.T, l *ctLab, host string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(l.httpPort), 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", host)
	require.NoError(t, err)
	status, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, status, "101", "the upgrade through NGINX")
}

// TestE2EContainerCreateSurvivesWorkerStop stops the only pve-actions
// worker while it polls the container's creation and starts another: the
// creation completes with one guest, one vzcreate task and one address.
func TestE2EContainerCreateSurvivesWorkerStop(t *testing.T) {
	t.Parallel()
	l := startCTLab(t, ctLabOptions{
		durations: pvesim.Durations{CreateCT: 6000 * time.Second},
		stack: []apptest.Option{fastSteps(8), func(c *config.Config) {
			c.HeartbeatTimeout = 2 * time.Second
			// No pve-actions worker in the stack: the test runs its own.
			c.WorkerQueues = slices.DeleteFunc(c.WorkerQueues, func(q string) bool { return q == activities.QueuePVEActions })
		}},
	})
	first, err := l.s.Platform.StartWorkers([]string{activities.QueuePVEActions})
	require.NoError(t, err)
	t.Cleanup(first.Stop)

	id, location := l.createContainer(t, l.pat, "survivor", l.webServices("survivor"))
	wfID := workflows.CreateContainerWorkflowID(id)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	apptest.Step(t, "stop the worker while it polls the creation", func(t *testing.T) {
		deadline := time.Now().Add(60 * time.Second)
		for !activityHeartbeated(ctx, t, l.s, wfID, "CreateContainerGuest") {
			require.True(t, time.Now().Before(deadline), "the create activity never heartbeated its task")
			time.Sleep(50 * time.Millisecond)
		}
		require.True(t, taskRunning(l.sim, "vzcreate"), "the create task is not running in Proxmox")
		first.Stop()
	})

	second, err := l.s.Platform.StartWorkers([]string{activities.QueuePVEActions})
	require.NoError(t, err)
	t.Cleanup(second.Stop)
	apptest.Step(t, "the creation completes on another worker, once", func(t *testing.T) {
		l.await(t, location)
		require.Len(t, containerGuests(l.sim, id), 1, "exactly one guest")
		creates := 0
		for _, task := range l.sim.Tasks() {
			if task.Type == "vzcreate" {
				creates++
			}
		}
		require.Equal(t, 1, creates, "the retried attempt started a second create instead of resuming the first")
		ips, vmids, _ := heldByContainer(t, l.s, id)
		require.Equal(t, 1, ips, "one address")
		require.Equal(t, 1, vmids, "one VMID")
		status, body := l.getByName("survivor." + l.domain)
		require.Equal(t, http.StatusOK, status, body)
	})
}

// activityHeartbeated reports whether the workflow's pending activity of
// type name has heartbeated.
func activityHeartbeated(ctx context.Context, t *testing.T, s *apptest.Stack, wfID, name string) bool {
	t.Helper()
	desc, err := s.Platform.Temporal.DescribeWorkflowExecution(ctx, wfID, "")
	require.NoError(t, err)
	for _, pa := range desc.GetPendingActivities() {
		if pa.GetActivityType().GetName() == name && pa.GetHeartbeatDetails() != nil {
			return true
		}
	}
	return false
}

func taskRunning(sim *pvesim.Server, typ string) bool {
	for _, task := range sim.Tasks() {
		if task.Type == typ && task.Running {
			return true
		}
	}
	return false
}

// TestE2EContainerNodeDownAwaitsOperatorThenRetries takes the site's node
// down before a container is created: the creation waits for its
// operator, and an operator's retry once the node is back completes it.
func TestE2EContainerNodeDownAwaitsOperatorThenRetries(t *testing.T) {
	t.Parallel()
	const attempts = 2
	l := startCTLab(t, ctLabOptions{stack: []apptest.Option{fastSteps(attempts), noScheduledSync}})
	for _, n := range l.sim.Nodes() {
		require.NoError(t, l.sim.SetNodeDown(n, true))
	}
	id, location := l.createContainer(t, l.pat, "stranded", l.webServices("stranded"))

	var waiting domain.Operation
	apptest.Step(t, "the creation waits for its operator", func(t *testing.T) {
		waiting = awaitState(t, l.s, l.admin, location, domain.OpAwaitingOperator)
		require.Contains(t, waiting.Error, "595")
		requireLabforgeState(t, l.s, workflows.CreateContainerWorkflowID(id), domain.OpAwaitingOperator)
		require.Equal(t, "creating", l.container(t, id).Status)
	})

	apptest.Step(t, "an operator's retry completes it once the node is back", func(t *testing.T) {
		for _, n := range l.sim.Nodes() {
			require.NoError(t, l.sim.SetNodeDown(n, false))
		}
		r := l.s.Do(t, "POST", "/api/v1/operations/"+waiting.ID.String()+"/retry", l.admin, map[string]any{"reason": "node back"})
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		done := l.s.AwaitOperation(t, l.admin, location)
		require.Equal(t, domain.OpCompleted, done.State, done.Error)
		require.Equal(t, "running", l.container(t, id).Status)
		require.Len(t, containerGuests(l.sim, id), 1)
		ips, _, _ := heldByContainer(t, l.s, id)
		require.Equal(t, 1, ips)
	})
}

// TestE2ETwentyContainersAtOnce creates 20 containers on one site at
// once: each runs at its own address, which dnsmasq resolves, and answers
// through NGINX by name; the nodes never create more containers at once
// than their clone_concurrency; the site's gateway applied at most once
// per change asked of it, and its last apply holds every container.
func TestE2ETwentyContainersAtOnce(t *testing.T) {
	t.Parallel()
	const n, nodeCap = 20, 2
	l := startCTLab(t, ctLabOptions{poolSize: n, cloneConcurrency: nodeCap,
		durations: pvesim.Durations{CreateCT: 200 * time.Second}}) // 0.2 s each, so that they overlap
	ids := make([]uuid.UUID, n)
	locations := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			name := fmt.Sprintf("ct%02d", i)
			ids[i], locations[i] = l.createContainer(t, l.pat, name, l.webServices(name))
		})
	}
	wg.Wait()
	awaitAll(t, l.s, l.pat, locations, domain.OpCompleted, 3*time.Minute)

	apptest.Step(t, "twenty distinct addresses, each resolvable and reachable", func(t *testing.T) {
		seen := map[string]bool{}
		for i, id := range ids {
			ct := l.container(t, id)
			require.Equal(t, "running", ct.Status, ct.Hostname)
			require.False(t, seen[ct.IPv4], "address %s given twice", ct.IPv4)
			seen[ct.IPv4] = true
			addrs, err := l.resolve(ct.DNSName)
			require.NoError(t, err)
			require.Equal(t, []string{ct.IPv4}, addrs, ct.DNSName)
			status, body := l.getByName(fmt.Sprintf("ct%02d.%s", i, l.domain))
			require.Equal(t, http.StatusOK, status, body)
			require.Contains(t, body, fmt.Sprintf("ct%02d (CT %d)", i, *ct.VMID))
		}
	})

	apptest.Step(t, "each node creates at most its clone_concurrency at once", func(t *testing.T) {
		for node, most := range mostAtOnce(l.sim, "vzcreate") {
			t.Logf("node %s: at most %d creations at once", node, most)
			require.LessOrEqual(t, most, nodeCap, "node %s", node)
		}
	})

	apptest.Step(t, "at most one apply per change, none lost", func(t *testing.T) {
		applies, runs := gatewayApplies(t, l)
		changes := 2*n + 1 // two applies asked per creation, and the lab's first
		t.Logf("%d gateway applies in %d runs served %d requests", applies, runs, changes)
		require.LessOrEqual(t, applies, changes)
		var site siteView
		r := l.s.Do(t, "GET", "/api/v1/sites/"+l.site.ID.String(), l.admin, nil)
		require.Equal(t, http.StatusOK, r.Status)
		r.JSON(t, &site)
		require.Equal(t, domain.GatewayApplied, site.Gateway.Status, site.Gateway.Error)
		files := l.gatewayFiles(t)
		for i := range n {
			require.Contains(t, files, fmt.Sprintf("ct%02d.%s", i, l.domain))
		}
	})
}

// gatewayApplies sums the applies of every finished run of the lab's site
// gateway workflow, and counts the runs.
func gatewayApplies(t *testing.T, l *ctLab) (applies, runs int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := l.s.Platform.Temporal
	wfID := workflows.SiteGatewayWorkflowID(l.site.ID)
	var execs []string
	require.Eventually(t, func() bool {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: l.s.Temporal.GetDefaultNamespace(), Query: fmt.Sprintf("WorkflowId = '%s'", wfID)})
		if err != nil {
			return false
		}
		execs = execs[:0]
		for _, e := range resp.GetExecutions() {
			if e.GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
				return false
			}
			execs = append(execs, e.GetExecution().GetRunId())
		}
		return len(execs) > 0
	}, 30*time.Second, 200*time.Millisecond, "the site's gateway workflow never settled")
	for _, runID := range execs {
		var res workflows.SiteGatewayResult
		require.NoError(t, c.GetWorkflow(ctx, wfID, runID).Get(ctx, &res))
		applies += res.Applies
	}
	return applies, len(execs)
}

// mostAtOnce returns, per node, the largest number of tasks of type typ
// that ran at the same time.
func mostAtOnce(sim *pvesim.Server, typ string) map[string]int {
	type edge struct {
		at    time.Time
		delta int
	}
	edges := map[string][]edge{}
	for _, task := range sim.Tasks() {
		if task.Type != typ {
			continue
		}
		end := task.Ended
		if end.IsZero() {
			end = time.Now()
		}
		edges[task.Node] = append(edges[task.Node], edge{task.Started, 1}, edge{end, -1})
	}
	most := map[string]int{}
	for node, es := range edges {
		// Ends before starts at the same instant: a slot handed over.
		slices.SortFunc(es, func(a, b edge) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			return a.delta - b.delta
		})
		running := 0
		for _, e := range es {
			running += e.delta
			most[node] = max(most[node], running)
		}
	}
	return most
}

package devstack_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/internal/devstack"
	"github.com/labforge/labforge/internal/temporalx"
)

const taskQueue = "devstack-test"

// greet is a trivial workflow that also marks itself with a search attribute.
func greet(ctx workflow.Context, name string) (string, error) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, temporalx.KeyState.ValueSet("Done")); err != nil {
		return "", err
	}
	return "hello " + name, nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startTemporal starts the embedded server and stops it at the end of the test.
func startTemporal(ctx context.Context, t *testing.T, db string, port int) *devstack.Temporal {
	t.Helper()
	start := time.Now()
	srv, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{
		DatabaseFile: db,
		Port:         port,
		Logger:       slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	require.NoError(t, err)
	t.Cleanup(func() { stopTemporal(t, srv) })
	t.Logf("Temporal started on %s in %s", srv.Address(), time.Since(start).Round(time.Millisecond))
	return srv
}

// stopTemporal stops srv and logs how long that took.
func stopTemporal(t *testing.T, srv *devstack.Temporal) {
	t.Helper()
	start := time.Now()
	require.NoError(t, srv.Stop())
	t.Logf("Temporal stopped in %s", time.Since(start).Round(time.Millisecond))
}

// dial connects a client to srv and closes it at the end of the test.
func dial(ctx context.Context, t *testing.T, srv *devstack.Temporal) client.Client {
	t.Helper()
	c, err := temporalx.Dial(ctx, temporalx.Options{Address: srv.Address(), Namespace: srv.Namespace()})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

func TestTemporalPersistsAcrossRestarts(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	db := filepath.Join(t.TempDir(), "data", "temporal.db")
	port := freePort(t)

	// First run: a fresh file, a workflow runs to completion.
	srv := startTemporal(ctx, t, db, port)
	require.Equal(t, "127.0.0.1:"+strconv.Itoa(port), srv.Address())
	_, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{DatabaseFile: db, Port: port})
	require.EqualError(t, err, "port "+strconv.Itoa(port)+" is in use; stop the other Temporal server or set LABFORGE_DEV_TEMPORAL_PORT")

	c := dial(ctx, t, srv)
	w := worker.New(c, taskQueue, worker.Options{})
	w.RegisterWorkflow(greet)
	require.NoError(t, w.Start())
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       "devstack-test/greet",
		TaskQueue:                taskQueue,
		WorkflowExecutionTimeout: time.Minute,
	}, greet, "labforge")
	require.NoError(t, err)
	var got string
	require.NoError(t, run.Get(ctx, &got))
	require.Equal(t, "hello labforge", got)
	w.Stop()
	c.Close()
	stopTemporal(t, srv)

	// Second run on the same file: namespace, attributes and history remain.
	srv = startTemporal(ctx, t, db, port)
	c = dial(ctx, t, srv)
	_, err = c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: devstack.DefaultNamespace})
	require.NoError(t, err)
	attrs, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: devstack.DefaultNamespace})
	require.NoError(t, err)
	for name := range temporalx.SearchAttributes() {
		require.Equal(t, enumspb.INDEXED_VALUE_TYPE_KEYWORD, attrs.GetCustomAttributes()[name], name)
	}
	desc, err := c.DescribeWorkflow(ctx, run.GetID(), run.GetRunID())
	require.NoError(t, err)
	require.Equal(t, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED, desc.Status)
	state, ok := desc.TypedSearchAttributes.GetKeyword(temporalx.KeyState)
	require.True(t, ok)
	require.Equal(t, "Done", state)

	testUI(ctx, t, srv)
}

// testUI serves the Web UI in front of srv and checks that the page and the
// API proxy to the frontend answer.
func testUI(ctx context.Context, t *testing.T, srv *devstack.Temporal) {
	port := freePort(t)
	ui, err := devstack.StartUI(ctx, devstack.UIOptions{Port: port, TemporalAddress: srv.Address()})
	require.NoError(t, err)
	t.Cleanup(ui.Stop)
	require.Equal(t, "http://127.0.0.1:"+strconv.Itoa(port), ui.URL())

	_, err = devstack.StartUI(ctx, devstack.UIOptions{Port: port, TemporalAddress: srv.Address()})
	require.EqualError(t, err, "port "+strconv.Itoa(port)+" is in use; stop the other Temporal Web UI or set LABFORGE_DEV_TEMPORAL_UI_PORT")

	status, ctype, body := get(ctx, t, ui.URL()+"/")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, ctype, "text/html")
	require.Contains(t, strings.ToLower(body), "<html")

	status, ctype, body = get(ctx, t, ui.URL()+"/api/v1/namespaces")
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, ctype, "application/json")
	var list struct {
		Namespaces []struct {
			NamespaceInfo struct {
				Name string `json:"name"`
			} `json:"namespaceInfo"`
		} `json:"namespaces"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &list), body)
	var names []string
	for _, ns := range list.Namespaces {
		names = append(names, ns.NamespaceInfo.Name)
	}
	require.Contains(t, names, devstack.DefaultNamespace)
}

// get fetches url and returns the status, content type and body.
func get(ctx context.Context, t *testing.T, url string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

package app_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/workflows"
)

// diagnosticsStack starts a platform with opts and signs in as its
// administrator.
func diagnosticsStack(t *testing.T, opts ...apptest.Option) (*apptest.Stack, string) {
	t.Helper()
	s := apptest.Start(t, opts...)
	return s, s.AdminToken(t)
}

// TestDiagnosticsEndToEnd signs in, checks readiness, starts a workflow
// through the API and follows it to completion through the API.
func TestDiagnosticsEndToEnd(t *testing.T) {
	s, token := diagnosticsStack(t)
	require.Equal(t, http.StatusOK, s.Do(t, "GET", "/readyz", "", nil).Status)

	var op domain.Operation
	var location string
	apptest.Step(t, "start", func(t *testing.T) {
		r := s.Do(t, "POST", "/api/v1/system/diagnostics", token, nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		r.JSON(t, &op)
		require.Equal(t, workflows.DiagnosticsWorkflowID(op.ID), op.WorkflowID)
		location = r.Header.Get("Location")
		require.Equal(t, "/api/v1/operations/"+op.ID.String(), location)
	})

	apptest.Step(t, "every queue's worker reaches its stores", func(t *testing.T) {
		done := s.AwaitOperation(t, token, location)
		require.Equal(t, domain.OpCompleted, done.State, done.Error)
		require.Equal(t, true, done.Result["healthy"], "%v", done.Result)
		probes := done.Result["probes"].([]any)
		require.Len(t, probes, len(activities.StandardQueues))
		for _, p := range probes {
			report := p.(map[string]any)["report"].(map[string]any)
			require.Equal(t, map[string]any{"postgresql": "ok", "mongodb": "ok"}, report["checks"])
		}
		require.NotNil(t, done.CompletedAt)
	})

	apptest.Step(t, "listed, and findable in Temporal by its search attributes", func(t *testing.T) {
		list := s.Do(t, "GET", "/api/v1/operations?kind=system.diagnostics&state=completed", token, nil)
		require.Equal(t, http.StatusOK, list.Status)
		require.Contains(t, string(list.Body), op.ID.String())
		require.Eventually(t, func() bool {
			resp, err := s.Platform.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
				Namespace: s.Temporal.GetDefaultNamespace(),
				Query:     fmt.Sprintf("LabforgeState = 'Completed' AND LabforgeOwner = 'admin' AND WorkflowId = '%s'", op.WorkflowID),
			})
			return err == nil && len(resp.GetExecutions()) == 1
		}, 30*time.Second, 200*time.Millisecond)
	})
}

// TestDiagnosticsNamesAQueueWithoutWorkers runs a platform whose workers
// poll only core and asks about pve-clone too.
func TestDiagnosticsNamesAQueueWithoutWorkers(t *testing.T) {
	s, token := diagnosticsStack(t, apptest.WithQueues(activities.QueueCore))
	r := s.Do(t, "POST", "/api/v1/system/diagnostics", token, map[string]any{"queues": []string{"core", "pve-clone"}, "pickup_timeout_seconds": 1})
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	done := s.AwaitOperation(t, token, r.Header.Get("Location"))
	require.Equal(t, domain.OpCompleted, done.State)
	require.Equal(t, false, done.Result["healthy"])
	second := done.Result["probes"].([]any)[1].(map[string]any)
	require.Contains(t, second["error"], `no worker picked up the probe on queue "pve-clone"`)

	bad := s.Do(t, "POST", "/api/v1/system/diagnostics", token, map[string]any{"queues": []string{"nonsense"}})
	require.Equal(t, http.StatusBadRequest, bad.Status)
	require.Contains(t, string(bad.Body), `"queues"`)
}

// TestOperationReflectsTerminatedWorkflow terminates a workflow behind the
// API's back (as an operator might with `temporal workflow terminate`) and
// expects the operation to say so.
func TestOperationReflectsTerminatedWorkflow(t *testing.T) {
	s, token := diagnosticsStack(t, apptest.WithQueues(activities.QueueCore))
	r := s.Do(t, "POST", "/api/v1/system/diagnostics", token, map[string]any{"queues": []string{"pve-clone"}, "pickup_timeout_seconds": 600})
	require.Equal(t, http.StatusAccepted, r.Status)
	var op domain.Operation
	r.JSON(t, &op)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, s.Platform.Temporal.TerminateWorkflow(ctx, op.WorkflowID, "", "operator test"))
	done := s.AwaitOperation(t, token, r.Header.Get("Location"))
	require.Equal(t, domain.OpAborted, done.State)
	require.Contains(t, done.Error, "terminated")
}

// TestParticipantCannotRunDiagnostics checks the permission on the route.
func TestParticipantCannotRunDiagnostics(t *testing.T) {
	s, admin := diagnosticsStack(t)
	created := s.Do(t, "POST", "/api/v1/users", admin, map[string]any{"username": "pat", "email": "pat@example.org", "password": "participant-password"})
	require.Equal(t, http.StatusCreated, created.Status, string(created.Body))
	pat := s.Login(t, "pat", "participant-password")
	require.Equal(t, http.StatusForbidden, s.Do(t, "POST", "/api/v1/system/diagnostics", pat, nil).Status)
	list := s.Do(t, "GET", "/api/v1/operations", pat, nil)
	require.Equal(t, http.StatusOK, list.Status)
	require.JSONEq(t, `{"items":[]}`, string(list.Body))
}

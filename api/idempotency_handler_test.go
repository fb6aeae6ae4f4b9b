package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	tmock "github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/mocks"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/workflows"
)

// doOnce sends a request as c with an Idempotency-Key.
func (h *fakeAPI) doOnce(c *caller, method, path, key string, body any) *reply {
	h.t.Helper()
	req := httptest.NewRequestWithContext(h.t.Context(), method, path, apptest.RequestBody(h.t, body))
	apptest.PrepareRequest(req, c.token)
	req.Header.Set(api.IdempotencyKeyHeader, key)
	return h.serve(req)
}

// TestHandlerIdempotencyKey repeats a request that starts a workflow: the
// repeat answers the first answer and starts nothing.
func TestHandlerIdempotencyKey(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.operationsInMemory()
	h.expectStart(workflows.DiagnosticsType, nil) // once only
	const path = "/api/v1/system/diagnostics"
	body := map[string]any{"queues": []string{"core"}}

	first := h.doOnce(h.admin, "POST", path, "k-1", body)
	require.Equal(t, http.StatusAccepted, first.status, string(first.body))
	require.Empty(t, first.header.Get(api.IdempotentReplayedHeader))

	again := h.doOnce(h.admin, "POST", path, "k-1", body)
	require.Equal(t, http.StatusAccepted, again.status)
	require.JSONEq(t, string(first.body), string(again.body))
	require.Equal(t, first.header.Get("Location"), again.header.Get("Location"))
	require.Equal(t, "true", again.header.Get(api.IdempotentReplayedHeader))
	require.Equal(t, []string{"system.diagnostics"}, h.auditActions(), "the repeat did nothing")

	e := h.doOnce(h.admin, "POST", path, "k-1", map[string]any{"queues": []string{"pve-clone"}}).
		requireError(t, http.StatusUnprocessableEntity, domain.KindUnprocessable)
	require.Contains(t, e.Message, "Idempotency-Key")

	// An error answer is not kept: the corrected request may reuse the key.
	h.doOnce(h.admin, "POST", path, "k-2", map[string]any{"queues": []string{"nonsense"}}).
		requireFields(t, map[string]string{"queues": "must be task queues"})
	h.expectStart(workflows.DiagnosticsType, nil)
	h.doOnce(h.admin, "POST", path, "k-2", body).requireStatus(t, http.StatusAccepted)

	// Keys are the sender's own: another user's k-1 is a new request.
	h.expectStart(workflows.DiagnosticsType, nil)
	other := h.doOnce(h.addUser("root", domain.RoleAdmin), "POST", path, "k-1", body)
	require.Equal(t, http.StatusAccepted, other.status, string(other.body))
	require.NotEqual(t, first.header.Get("Location"), other.header.Get("Location"))

	h.doOnce(h.admin, "POST", path, strings.Repeat("k", 256), body).
		requireFields(t, map[string]string{api.IdempotencyKeyHeader: "1-255 printable ASCII"})
	h.doOnce(h.admin, "POST", path, "has space", body).
		requireFields(t, map[string]string{api.IdempotencyKeyHeader: ""})
}

// TestHandlerIdempotencyKeyInProgress sends a duplicate while the first
// request is still starting its workflow: it answers 409 and starts
// nothing.
func TestHandlerIdempotencyKeyInProgress(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.operationsInMemory()
	starting, release := make(chan struct{}), make(chan struct{})
	run := mocks.NewWorkflowRun(t)
	run.On("GetRunID").Return("run").Once()
	h.temporal.On("ExecuteWorkflow", tmock.Anything, tmock.Anything, workflows.DiagnosticsType.Name, tmock.Anything).
		Run(func(tmock.Arguments) {
			close(starting)
			<-release
		}).Return(run, nil).Once()

	var wg sync.WaitGroup
	var first *reply
	wg.Go(func() { first = h.doOnce(h.admin, "POST", "/api/v1/system/diagnostics", "busy", nil) })
	<-starting
	e := h.doOnce(h.admin, "POST", "/api/v1/system/diagnostics", "busy", nil).requireError(t, http.StatusConflict, domain.KindConflict)
	require.Equal(t, "a request with this Idempotency-Key is in progress", e.Message)
	close(release)
	wg.Wait()
	require.Equal(t, http.StatusAccepted, first.status, string(first.body))
	h.doOnce(h.admin, "POST", "/api/v1/system/diagnostics", "busy", nil).requireStatus(t, http.StatusAccepted)
}

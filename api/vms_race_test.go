package api_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestConcurrentOperationsOnOneVM sends starts and deletes for one stopped
// VM at the same moment (each of them valid alone): exactly one is
// accepted, and every other one is refused with 409 naming the accepted
// operation.
func TestConcurrentOperationsOnOneVM(t *testing.T) {
	// A start takes 3 s, so the accepted operation is still running when
	// the others arrive however slow the machine.
	l := newVMLab(t, pvesim.Durations{Start: 3000 * time.Second})
	s := l.s
	vmID, location := l.createVM(t, "contended-1", false)
	op := s.AwaitOperation(t, l.instructor, location)
	require.Equal(t, domain.OpCompleted, op.State, op.Error)
	vmPath := "/api/v1/vms/" + vmID.String()

	requests := []struct{ method, path string }{
		{"POST", vmPath + "/actions/start"}, {"DELETE", vmPath}, {"POST", vmPath + "/actions/start"},
		{"DELETE", vmPath}, {"POST", vmPath + "/actions/start"}, {"POST", vmPath + "/actions/start"},
	}
	responses := make([]*apptest.Response, len(requests))
	var wg sync.WaitGroup
	release := make(chan struct{})
	for i, r := range requests {
		wg.Go(func() {
			<-release
			responses[i] = s.Do(t, r.method, r.path, l.admin, nil)
		})
	}
	close(release)
	wg.Wait()

	var accepted []domain.Operation
	var refused []string
	for i, r := range responses {
		switch r.Status {
		case http.StatusAccepted:
			var op domain.Operation
			r.JSON(t, &op)
			accepted = append(accepted, op)
		case http.StatusConflict:
			var e api.ErrorBody
			r.JSON(t, &e)
			refused = append(refused, e.Error.Message)
		default:
			t.Fatalf("%s %s answered %d: %s", requests[i].method, requests[i].path, r.Status, r.Body)
		}
	}
	require.Len(t, accepted, 1, "exactly one operation may run on the VM; refused: %q", refused)
	for _, msg := range refused {
		require.Contains(t, msg, accepted[0].ID.String(), "a 409 names the operation in progress")
	}
	done := s.AwaitOperation(t, l.admin, "/api/v1/operations/"+accepted[0].ID.String())
	require.Equal(t, domain.OpCompleted, done.State, done.Error)
}

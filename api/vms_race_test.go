package api_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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
//
// The requests really race: the operations table is locked against
// writes until every request has passed the API's check for a running
// operation and waits to insert its own, so only the store's one
// unfinished operation per VM (operations_vm_unfinished_key) can pick the
// winner, on every run.
func TestConcurrentOperationsOnOneVM(t *testing.T) {
	t.Parallel()
	// A start takes 3 s, so the accepted operation is still running when
	// the refused ones look for it however slow the machine.
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
	inserting, release := holdOperationInserts(t, s)
	responses := make([]*apptest.Response, len(requests))
	var wg sync.WaitGroup
	for i, r := range requests {
		wg.Go(func() { responses[i] = s.Do(t, r.method, r.path, l.admin, nil) })
	}
	deadline := time.Now().Add(30 * time.Second)
	for n := inserting(); n < len(requests); n = inserting() {
		if time.Now().After(deadline) {
			release()
			wg.Wait()
			t.Fatalf("after 30s only %d of %d requests wait to insert their operation", n, len(requests))
		}
		time.Sleep(10 * time.Millisecond)
	}
	release()
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
	if len(accepted) != 1 {
		var kinds []string
		for _, op := range accepted {
			kinds = append(kinds, op.Kind)
		}
		t.Fatalf("accepted %q; exactly one operation may run on the VM (refused: %q)", kinds, refused)
	}
	for _, msg := range refused {
		require.Contains(t, msg, accepted[0].ID.String(), "a 409 names the operation in progress")
	}
	done := s.AwaitOperation(t, l.admin, "/api/v1/operations/"+accepted[0].ID.String())
	require.Equal(t, domain.OpCompleted, done.State, done.Error)
}

// holdOperationInserts locks the stack's operations table against writes
// until release is called (at the latest when the test ends). Reads go on,
// so requests pass their checks and then wait to insert their operation;
// inserting counts the sessions waiting so.
func holdOperationInserts(t *testing.T, s *apptest.Stack) (inserting func() int, release func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	connect := func() *pgx.Conn {
		conn, err := pgx.Connect(ctx, s.Platform.Config.DatabaseURL)
		require.NoError(t, err)
		t.Cleanup(func() { conn.Close(context.Background()) })
		return conn
	}
	holder, watcher := connect(), connect()
	tx, err := holder.Begin(ctx)
	require.NoError(t, err)
	// SHARE mode conflicts with the inserts' ROW EXCLUSIVE, not with reads.
	_, err = tx.Exec(ctx, `LOCK TABLE operations IN SHARE MODE`)
	require.NoError(t, err)
	var once sync.Once
	release = func() {
		once.Do(func() { require.NoError(t, tx.Rollback(ctx)) })
	}
	t.Cleanup(release)
	inserting = func() int {
		var n int
		require.NoError(t, watcher.QueryRow(ctx, `
			SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'
				AND query LIKE '%INSERT INTO operations%'`).Scan(&n))
		return n
	}
	return inserting, release
}

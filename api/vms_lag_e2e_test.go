package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/workflows"
)

// TestE2EVMLifecycleAgainstALaggingListing runs a VM's lifecycle through
// the API with the inventory sync and reconciliation in between, against a
// cluster whose GET /cluster/resources lags as a real one's does: guest
// status and names change only when the test has the nodes refresh their
// status data (as pvestatd does every 10 s). A stale or "unknown" entry
// must never flip the power state an action recorded, make a VM missing,
// or stop a delete.
func TestE2EVMLifecycleAgainstALaggingListing(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	l := startVMLab(t, labOptions{
		sim: pvesim.Config{TimeScale: 1, StatusRefresh: time.Hour, Durations: pvesim.Durations{
			CloneFull: ms, CloneLinked: ms, Start: ms, Stop: ms, Shutdown: ms, Reboot: ms, Reset: ms, Destroy: ms,
			Snapshot: ms, Rollback: ms, SnapshotDelete: ms, ConfigUpdate: ms, Template: ms, AgentReady: ms,
			LockTimeout: time.Second, AuthFailureDelay: ms,
		}},
		stack: []apptest.Option{fastSteps(2), func(c *config.Config) {
			// Only the runs below sync and reconcile.
			c.SyncInterval, c.ReconcileInterval = 1000*time.Hour, 1000*time.Hour
		}},
	})
	s := l.s
	vmID, location := l.createVM(t, "lagged", true)
	vmPath := "/api/v1/vms/" + vmID.String()
	var vm domain.VM
	cycle := 0
	syncAndReconcile := func(t *testing.T) workflows.ReconcileResult {
		t.Helper()
		cycle++
		l.sync(t, fmt.Sprintf("test-lag-sync-%d", cycle))
		var drift workflows.ReconcileResult
		runPeriodic(t, s, fmt.Sprintf("test-lag-reconcile-%d", cycle), workflows.ReconcileType, workflows.ReconcileInput{DeleteOrphans: true}, &drift)
		require.Zero(t, drift.Failed, "%+v", drift)
		return drift
	}
	power := func(t *testing.T) domain.PowerState {
		t.Helper()
		s.Do(t, "GET", vmPath, l.pat, nil).JSON(t, &vm)
		return vm.Power
	}
	action := func(t *testing.T, name string) {
		t.Helper()
		r := s.Do(t, "POST", vmPath+"/actions/"+name, l.pat, nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		op := s.AwaitOperation(t, l.pat, r.Header.Get("Location"))
		require.Equal(t, domain.OpCompleted, op.State, op.Error)
	}

	apptest.Step(t, "a VM cloned a moment ago, listed as unknown, stays running and present", func(t *testing.T) {
		op := s.AwaitOperation(t, l.instructor, location)
		require.Equal(t, domain.OpCompleted, op.State, op.Error)
		require.Equal(t, domain.PowerRunning, power(t))
		drift := syncAndReconcile(t)
		require.Zero(t, drift.MissingGuests, "%+v", drift)
		require.Zero(t, drift.OrphanGuests, "%+v", drift)
		require.Equal(t, domain.PowerRunning, power(t))
		_, exists := l.sim.Guest(op.Result["node"].(string), *vm.VMID)
		require.True(t, exists)
	})

	apptest.Step(t, "a shutdown is not undone by the listing's old running", func(t *testing.T) {
		l.sim.RefreshStatus() // listed running
		action(t, "shutdown")
		require.Equal(t, domain.PowerStopped, power(t))
		syncAndReconcile(t)
		require.Equal(t, domain.PowerStopped, power(t))
	})

	apptest.Step(t, "a start is not undone by the listing's old stopped", func(t *testing.T) {
		l.sim.RefreshStatus() // listed stopped
		action(t, "start")
		require.Equal(t, domain.PowerRunning, power(t))
		syncAndReconcile(t)
		require.Equal(t, domain.PowerRunning, power(t))
	})

	apptest.Step(t, "a delete stops the VM the listing still shows stopped", func(t *testing.T) {
		r := s.Do(t, "DELETE", vmPath, l.admin, nil)
		require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
		deleted := s.AwaitOperation(t, l.admin, r.Header.Get("Location"))
		require.Equal(t, domain.OpCompleted, deleted.State, deleted.Error)
		s.Do(t, "GET", vmPath, l.pat, nil).JSON(t, &vm)
		require.Equal(t, domain.GuestDeleted, vm.State)
	})
}

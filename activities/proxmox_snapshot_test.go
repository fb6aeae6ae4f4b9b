package activities

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRollbackRetryResumesTheStart checks RollbackBaseline's retry after a
// crash between its two tasks: a previous attempt that had rolled back and
// started the VM (its heartbeat holds the qmstart UPID) is resumed by
// waiting for that start, without a second rollback.
func TestRollbackRetryResumesTheStart(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "rolled", 9000, true)
	plan := f.provision(t, vm)
	c, err := f.px.Clients.For(f.ctx, plan.Guest.NodeID)
	require.NoError(t, err)
	upid, err := c.StartVM(f.ctx, "pve1", plan.Guest.VMID)
	require.NoError(t, err)

	require.NoError(t, f.run(t, upid, nil, f.px.RollbackBaseline, RollbackRequest{Guest: plan.Guest, Start: true}))
	task, ok := f.sim.Task(upid)
	require.True(t, ok)
	require.False(t, task.Running, "the activity returned once the recorded start ended")
	g, ok := f.sim.Guest("pve1", plan.Guest.VMID)
	require.True(t, ok)
	require.Equal(t, "running", g.Status)
	for _, tk := range f.sim.Tasks() {
		if tk.ID == strconv.Itoa(plan.Guest.VMID) {
			require.NotEqual(t, "qmrollback", tk.Type, "no second rollback")
		}
	}
}

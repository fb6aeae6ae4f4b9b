package activities

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/proxmox"
)

// TestCloneLooksAtOneGuestNotTheCluster: the look before the clone reads
// the one guest on its node, never the cluster's guest list, and the
// clone's task is followed through the node's task list.
func TestCloneLooksAtOneGuestNotTheCluster(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "economical", 9000, true)
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)
	before := f.sim.Stats()
	f.must(t, nil, f.px.CloneGuest, plan)
	after := f.sim.Stats()
	count := func(route string) int64 {
		return after.RequestCount("GET", route) - before.RequestCount("GET", route)
	}
	require.Zero(t, count("/cluster/resources"), "no cluster-wide guest list")
	require.EqualValues(t, 1, count("/nodes/{node}/qemu/{vmid}/status/current"))
	require.Zero(t, count("/nodes/{node}/tasks/{upid}/status"), "no status polls of its own")
	require.NotZero(t, count("/nodes/{node}/tasks"))
	g, ok := f.sim.Guest(plan.Guest.Node, plan.Guest.VMID)
	require.True(t, ok)
	require.Empty(t, g.Lock, "CloneGuest returned once the clone ended")
}

// TestCloneFindsTheVMIDTakenOnAnotherNode: a guest outside Labforge with
// the reserved VMID on another node is not seen by the look on the target
// node; the clone task then fails with Proxmox's "File exists", the
// non-retryable AlreadyExists CloneVM replaces the VMID on, and nothing is
// cloned.
func TestCloneFindsTheVMIDTakenOnAnotherNode(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	vm := f.newVM(t, "unlucky", 9000, true)
	var plan ClonePlan
	f.must(t, &plan, f.bk.ReserveAndPlace, vm.ID)
	require.Equal(t, "pve1", plan.Guest.Node)
	c, err := f.px.Clients.For(f.ctx, f.nodes["pve2"].ID)
	require.NoError(t, err)
	upid, err := c.CloneVM(f.ctx, "pve2", 9002, plan.Guest.VMID, proxmox.CloneOptions{Name: "someone-elses"})
	require.NoError(t, err)
	_, err = c.WaitTask(f.ctx, "", upid, f.px.Wait)
	require.NoError(t, err)

	err = f.run(t, nil, nil, f.px.CloneGuest, plan)
	ae := appError(t, err)
	require.Equal(t, string(proxmox.AlreadyExists), ae.Type(), "error: %v", err)
	require.True(t, ae.NonRetryable())
	require.Equal(t, int64(0), f.sim.Stats().Nodes["pve1"].Tasks["qmclone"].OK, "no clone made on the target node")
	_, ok := f.sim.Guest("pve1", plan.Guest.VMID)
	require.False(t, ok)
	g, ok := f.sim.Guest("pve2", plan.Guest.VMID)
	require.True(t, ok)
	require.Equal(t, "someone-elses", g.Name, "the stranger's guest is untouched")

	// On the target node itself, a stranger's guest is found by the look.
	stranger := plan
	stranger.Guest.VM, stranger.Guest.Name, stranger.Guest.Node, stranger.Guest.NodeID = uuid.New(), "mine", "pve2", f.nodes["pve2"].ID
	stranger.SourceNode, stranger.SourceNodeID, stranger.TemplateVMID = "pve2", f.nodes["pve2"].ID, 9002
	err = f.run(t, nil, nil, f.px.CloneGuest, stranger)
	require.Equal(t, string(proxmox.AlreadyExists), appError(t, err).Type())
	require.EqualValues(t, 1, f.clones("pve2"), "only the stranger's clone ran on pve2")
}

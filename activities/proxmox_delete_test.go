package activities

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDeleteLooksAtOneGuestAndFollowsAMovedOne: deleting a VM reads its
// guest on the node Labforge put it on, not the cluster's guest list; a
// guest that is no longer on that node (moved outside Labforge) is found
// through the list and deleted where it is.
func TestDeleteLooksAtOneGuestAndFollowsAMovedOne(t *testing.T) {
	t.Parallel()
	f := newPxFixture(t)
	listings := func() int64 { return f.sim.Stats().RequestCount("GET", "/cluster/resources") }

	here := f.provision(t, f.newVM(t, "in-place", 9000, true))
	before := listings()
	f.must(t, nil, f.px.DeleteGuest, here.Guest)
	require.Equal(t, before, listings(), "no cluster-wide guest list for a guest where it was put")
	_, ok := f.sim.Guest(here.Guest.Node, here.Guest.VMID)
	require.False(t, ok)

	moved := f.provision(t, f.newVM(t, "moved", 9000, true))
	require.Equal(t, "pve1", moved.Guest.Node)
	stale := moved.Guest
	stale.Node = "pve2" // where Labforge's record says it is; the guest is on pve1
	f.must(t, nil, f.px.DeleteGuest, stale)
	require.Greater(t, listings(), before, "a guest not where it was put is looked for in the cluster")
	_, ok = f.sim.Guest("pve1", moved.Guest.VMID)
	require.False(t, ok, "the guest is deleted on the node it moved to")
}

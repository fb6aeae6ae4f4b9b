package activities

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// A clone task runs on its source's node whatever the target, so a full
// clone to another node takes a slot of the source's node; a plan without
// a source (a container's creation) takes one of its guest's node.
func TestClonePlanTakesTheSlotOfTheNodeItsTaskRunsOn(t *testing.T) {
	source, target := uuid.New(), uuid.New()
	full := ClonePlan{SourceNodeID: source, SourceNode: "pve1", Guest: GuestRef{NodeID: target, Node: "pve3"}, Full: true}
	require.Equal(t, source, full.SlotNodeID())
	require.Equal(t, "pve1", full.SlotNode())
	ct := ClonePlan{Guest: GuestRef{NodeID: target, Node: "pve3"}}
	require.Equal(t, target, ct.SlotNodeID())
	require.Equal(t, "pve3", ct.SlotNode())
}

package workflows

import "go.temporal.io/sdk/workflow"

// Workflow change ids (workflow.GetVersion) of the VM lifecycle workflows.
// Histories recorded before a change replay its old branch.
const (
	// changeOwnerIsRequester: LabforgeOwner stays the requester's username
	// the API set at start; before, VM workflows overwrote it with the VM
	// owner's id.
	changeOwnerIsRequester = "owner-is-the-requester"
	// changeCompensateUnseenPlacement: a CloneVM cancelled before it saw
	// its placement reads the VM record, and undoes a placement it finds.
	changeCompensateUnseenPlacement = "compensate-unseen-placement"
	// changeLocalBookkeeping: the VM workflows run their PostgreSQL
	// bookkeeping and progress records as local activities (see bookkeep).
	changeLocalBookkeeping = "local-bookkeeping"
	// changeCloneWaitsForSlot: the clone activity waits for its own clone
	// slot (CloneGuestInSlot) instead of a separate AcquireCloneSlot step.
	changeCloneWaitsForSlot = "clone-waits-for-slot"
	// changeRepliesInBackground: SiteGateway starts its next apply without
	// waiting for the requesters of the last one to take their replies;
	// it waits for all of them before the run ends.
	changeRepliesInBackground = "gateway-replies-in-background"
	// changeTakenVMIDReplaced: a clone that finds its VMID held by a guest
	// outside Labforge marks the VMID taken and places the VM anew,
	// instead of waiting for the operator.
	changeTakenVMIDReplaced = "taken-vmid-replaced"
	// changeEventTimeline: EventLifecycle records its state changes and
	// each item's provisioning steps on the event's timeline.
	changeEventTimeline = "event-timeline"
	// changeEventIntegrations: EventLifecycle makes the participants'
	// Guacamole connections, keeps the event's Moodle course and sends
	// event.deployed with the connections.
	changeEventIntegrations = "event-integrations"
)

// ownerIsRequester reports whether this workflow leaves LabforgeOwner to
// the API (see changeOwnerIsRequester).
func ownerIsRequester(ctx workflow.Context) bool {
	return workflow.GetVersion(ctx, changeOwnerIsRequester, workflow.DefaultVersion, 1) == 1
}

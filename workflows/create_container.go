package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// CreateContainer allocates the container (node, VMID, address, MAC and
// ports), pulls its OCI image if it has one and the node lacks it,
// creates the LXC with its reserved MAC, has the site's gateway serve its
// DHCP reservation and DNS name before the first start, starts it, waits
// for its reserved address, records it ready and running, and has the
// gateway publish its services. A failed step waits for the operator;
// abort (or cancellation) compensates in reverse: the container is marked
// failed and dropped from the gateway, its guest destroyed, and only then
// its allocation released.
func CreateContainer(ctx workflow.Context, in CreateContainerInput) (CreateContainerResult, error) {
	wf := &createContainer{in: in}
	var err error
	if ctx, err = wf.begin(ctx, in.OperationID, in.Container); err != nil {
		return CreateContainerResult{}, err
	}
	res, err := wf.run(ctx)
	if err != nil && (IsAborted(err) || ctx.Err() != nil) {
		return res, wf.compensate(ctx, err)
	}
	return res, err
}

type createContainer struct {
	in CreateContainerInput
	containerWorkflow
}

func (wf *createContainer) run(ctx workflow.Context) (CreateContainerResult, error) {
	err := wf.op.step(ctx, "allocate", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, &wf.plan, bookkeeping.AllocateContainer, wf.in.Container)
	})
	if err != nil {
		return CreateContainerResult{}, err
	}
	if err := wf.upsertPlacement(ctx); err != nil {
		return CreateContainerResult{}, err
	}
	p := wf.plan
	res := CreateContainerResult{Node: p.Guest.Node, VMID: p.Guest.VMID, IPv4: p.IPv4, MAC: p.MAC, Power: domain.PowerStopped}
	var template string
	err = wf.op.step(ctx, "container template", stepOpts{}, func(ctx workflow.Context) error {
		return exec(ctx, ociPullSpec, &template, pve.EnsureContainerTemplate, p)
	})
	if err != nil {
		return res, err
	}
	err = wf.op.step(ctx, "create", stepOpts{}, func(ctx workflow.Context) error {
		return exec(ctx, actionSpec, nil, pve.CreateContainerGuest, activities.ContainerCreate{Plan: p, Template: template})
	})
	if err != nil {
		return res, err
	}
	// The first lease must be the reserved address: the DHCP reservation
	// is live before the container first starts.
	if err := wf.applyGateway(ctx, "DHCP reservation and DNS name"); err != nil {
		return res, err
	}
	err = wf.op.step(ctx, "start", stepOpts{}, func(ctx workflow.Context) error {
		return exec(ctx, actionSpec, &res.Power, pve.PowerContainer,
			activities.ContainerPowerRequest{Guest: p.Guest, Action: activities.ContainerPowerStart})
	})
	if err != nil {
		return res, err
	}
	err = wf.op.step(ctx, "wait for the reserved address", stepOpts{}, func(ctx workflow.Context) error {
		return exec(ctx, ctAddressSpec, nil, pve.WaitContainerIPv4, activities.ContainerAddress{Guest: p.Guest, IPv4: p.IPv4, MAC: p.MAC})
	})
	if err != nil {
		return res, err
	}
	err = wf.record(ctx, "record", activities.ContainerUpdate{Container: wf.in.Container, State: domain.GuestReady, Power: res.Power})
	if err != nil {
		return res, err
	}
	if err := wf.applyGateway(ctx, "ingress"); err != nil {
		return res, err
	}
	return res, wf.report(ctx, domain.OpCompleted, "done", "", domain.JSONObject(res))
}

// compensate undoes a creation that will not finish, in reverse: it marks
// the container failed and has the gateway drop it, destroys whatever
// guest the creation made (if it is the container's), releases the
// allocation only after Proxmox confirmed the guest gone, marks the
// container failed and reports the operation aborted (or failed). It runs
// on a disconnected context so that cancellation does not stop it.
func (wf *createContainer) compensate(ctx workflow.Context, cause error) error {
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	log := workflow.GetLogger(ctx)
	if !wf.plan.Placed {
		// Cancelled while allocating: the allocation may have been stored
		// without the workflow seeing its result.
		var p activities.ContainerPlan
		if err := bookkeep(ctx, &p, bookkeeping.LoadContainer, wf.in.Container); err != nil {
			log.Error("compensation: reading the container's allocation failed; it may stay allocated", "error", err)
		} else if p.Placed {
			wf.plan = p
		}
	}
	failed := activities.ContainerUpdate{Container: wf.in.Container, State: domain.GuestFailed}
	if err := bookkeep(ctx, nil, bookkeeping.RecordContainer, failed); err != nil {
		log.Error("compensation: marking the container failed did not work", "error", err)
	}
	if wf.plan.Placed {
		if err := wf.gw.apply(ctx, wf.plan, "compensation of container "+wf.plan.Guest.Hostname); err != nil {
			log.Error("compensation: the gateway did not drop the container; the next apply will", "error", err)
		}
		if err := exec(ctx, actionSpec, nil, pve.DestroyContainer, wf.plan.Guest); err != nil {
			log.Error("compensation: destroying the half-made container failed; its allocation stays", "error", err)
			_ = wf.report(ctx, domain.OpFailed, "compensate", "destroying the half-made container failed: "+failureMessage(err), nil)
			return err
		}
		if err := bookkeep(ctx, nil, bookkeeping.ReleaseContainer, wf.in.Container); err != nil {
			log.Error("compensation: releasing the container's allocation failed", "error", err)
		}
		if err := bookkeep(ctx, nil, bookkeeping.RecordContainer, failed); err != nil {
			log.Error("compensation: marking the container failed did not work", "error", err)
		}
	}
	return wf.reportCompensated(ctx, cause)
}

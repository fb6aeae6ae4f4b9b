package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// DeleteContainer tears a container down: it marks it deleting and, if
// it holds an allocation, has the site's gateway drop its DNS name, DHCP
// reservation and ingress,
// stops and destroys its guest (purge; a guest already gone is fine, a
// guest that is not the container's is never touched), releases its
// address, MAC, VMID and ports once Proxmox confirmed the guest gone, and
// marks it deleted. The record stays, state deleted, for history. A
// failed step waits for the operator.
func DeleteContainer(ctx workflow.Context, in DeleteContainerInput) error {
	wf := &deleteContainer{in: in}
	var err error
	if ctx, err = wf.begin(ctx, in.OperationID, in.Container); err != nil {
		return err
	}
	return wf.finish(ctx, wf.run(ctx), nil)
}

type deleteContainer struct {
	in DeleteContainerInput
	containerWorkflow
}

func (wf *deleteContainer) run(ctx workflow.Context) error {
	if err := wf.load(ctx, wf.in.Container); err != nil {
		return err
	}
	err := wf.record(ctx, "mark deleting", activities.ContainerUpdate{Container: wf.in.Container, State: domain.GuestDeleting})
	if err != nil {
		return err
	}
	if wf.plan.Placed {
		if err := wf.applyGateway(ctx, "remove DNS name and ingress"); err != nil {
			return err
		}
		err = wf.op.step(ctx, "destroy", stepOpts{}, func(ctx workflow.Context) error {
			return exec(ctx, actionSpec, nil, pve.DestroyContainer, wf.plan.Guest)
		})
		if err != nil {
			return err
		}
	}
	err = wf.op.step(ctx, "release allocation", stepOpts{}, func(ctx workflow.Context) error {
		return bookkeep(ctx, nil, bookkeeping.ReleaseContainer, wf.in.Container)
	})
	if err != nil {
		return err
	}
	return wf.record(ctx, "mark deleted", activities.ContainerUpdate{Container: wf.in.Container,
		State: domain.GuestDeleted, Power: domain.PowerStopped})
}

package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// UpdateContainer applies a change to a container: its resources in
// Proxmox (cores, memory and swap at once, a larger disk grown in place),
// then on the record; and, when its services changed (the API stored them
// and their ports before starting the workflow), it has the site's
// gateway apply them and waits until it has. A failed step waits for the
// operator.
func UpdateContainer(ctx workflow.Context, in UpdateContainerInput) error {
	wf := &updateContainer{in: in}
	var err error
	if ctx, err = wf.begin(ctx, in.OperationID, in.Container); err != nil {
		return err
	}
	return wf.finish(ctx, wf.run(ctx), nil)
}

type updateContainer struct {
	in UpdateContainerInput
	containerWorkflow
}

func (wf *updateContainer) run(ctx workflow.Context) error {
	if err := wf.load(ctx, wf.in.Container); err != nil {
		return err
	}
	r := wf.in.Resources
	if r != (ContainerResources{}) {
		if err := wf.requireReady(ctx); err != nil {
			return err
		}
		err := wf.op.step(ctx, "resize", stepOpts{}, func(ctx workflow.Context) error {
			return exec(ctx, actionSpec, nil, pve.ResizeContainer, activities.ContainerResize{Guest: wf.plan.Guest,
				Cores: r.Cores, MemoryMB: r.MemoryMB, SwapMB: r.SwapMB, DiskGB: r.DiskGB})
		})
		if err != nil {
			return err
		}
		err = wf.record(ctx, "record resources", activities.ContainerUpdate{Container: wf.in.Container,
			Cores: r.Cores, MemoryMB: r.MemoryMB, SwapMB: r.SwapMB, DiskGB: r.DiskGB})
		if err != nil {
			return err
		}
	}
	if wf.in.ServicesChanged {
		return wf.applyGateway(ctx, "apply services")
	}
	return nil
}

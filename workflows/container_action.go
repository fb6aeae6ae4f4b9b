package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// ContainerActionResult is the container's power state afterwards.
type ContainerActionResult struct {
	Power domain.PowerState `json:"power"`
}

// ContainerAction starts, stops or restarts a container and records its
// power state. A container Proxmox no longer has is recorded missing and
// the operation fails saying so (GuestMissing); other failed steps wait
// for the operator.
func ContainerAction(ctx workflow.Context, in ContainerActionInput) (ContainerActionResult, error) {
	wf := &containerAction{in: in}
	var err error
	if ctx, err = wf.begin(ctx, in.OperationID, in.Container); err != nil {
		return ContainerActionResult{}, err
	}
	res, err := wf.run(ctx)
	return res, wf.finish(ctx, err, domain.JSONObject(res))
}

type containerAction struct {
	in ContainerActionInput
	containerWorkflow
}

func (wf *containerAction) run(ctx workflow.Context) (ContainerActionResult, error) {
	var res ContainerActionResult
	switch wf.in.Action {
	case ContainerStart, ContainerStop, ContainerRestart:
	default:
		msg := fmt.Sprintf("unknown container action %q; use start, stop or restart", wf.in.Action)
		_ = wf.report(ctx, domain.OpFailed, "validate", msg, nil)
		return res, temporal.NewNonRetryableApplicationError(msg, activities.ErrTypeInvalid, nil)
	}
	if err := wf.load(ctx, wf.in.Container); err != nil {
		return res, err
	}
	if err := wf.requireReady(ctx); err != nil {
		return res, err
	}
	missing := false
	err := wf.op.step(ctx, string(wf.in.Action), stepOpts{}, func(ctx workflow.Context) error {
		err := exec(ctx, actionSpec, &res.Power, pve.PowerContainer,
			activities.ContainerPowerRequest{Guest: wf.plan.Guest, Action: activities.ContainerPowerAction(wf.in.Action)})
		if activities.HasErrorType(err, string(proxmox.NotFound)) {
			missing = true
			return nil
		}
		return err
	})
	if err != nil {
		return res, err
	}
	if missing {
		return res, wf.markMissing(ctx)
	}
	err = wf.record(ctx, "record", activities.ContainerUpdate{Container: wf.in.Container, Power: res.Power})
	return res, err
}

// markMissing records the container missing and fails the operation,
// naming the guest Proxmox no longer has.
func (wf *containerAction) markMissing(ctx workflow.Context) error {
	g := wf.plan.Guest
	err := wf.record(ctx, "record missing", activities.ContainerUpdate{Container: wf.in.Container,
		State: domain.GuestMissing, Power: domain.PowerUnknown})
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("container %s (VMID %d on %s) no longer exists in Proxmox; it is recorded missing: delete it, or create it anew",
		g.Hostname, g.VMID, g.Node)
	_ = wf.report(ctx, domain.OpFailed, "record missing", msg, nil)
	return temporal.NewNonRetryableApplicationError(msg, activities.ErrTypeGuestMissing, nil)
}

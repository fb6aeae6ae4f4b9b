package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// PowerAction is a power operation on a VM.
type PowerAction string

// Power actions.
const (
	PowerStart    PowerAction = "start"
	PowerStop     PowerAction = "stop"
	PowerShutdown PowerAction = "shutdown"
	PowerReboot   PowerAction = "reboot"
)

// PowerRequest asks for one power action on a guest.
type PowerRequest struct {
	Guest  GuestRef    `json:"guest"`
	Action PowerAction `json:"action"`
}

// PowerGuest runs a power action and returns the power state it leaves.
// It is idempotent: starting a running VM or stopping a stopped one does
// nothing. Rebooting a stopped VM is a non-retryable Conflict.
func (a *Proxmox) PowerGuest(ctx context.Context, in PowerRequest) (domain.PowerState, error) {
	c, err := a.client(ctx, in.Guest.NodeID)
	if err != nil {
		return domain.PowerUnknown, err
	}
	g := in.Guest
	st, err := c.VMStatus(ctx, g.Node, g.VMID)
	if err != nil {
		return domain.PowerUnknown, classifyPVE(err)
	}
	var start func() (string, error)
	after := domain.PowerRunning
	switch in.Action {
	case PowerStart:
		if st.Running() {
			return domain.PowerRunning, nil
		}
		start = func() (string, error) { return c.StartVM(ctx, g.Node, g.VMID) }
	case PowerStop, PowerShutdown:
		after = domain.PowerStopped
		if !st.Running() {
			return domain.PowerStopped, nil
		}
		start = func() (string, error) { return c.StopVM(ctx, g.Node, g.VMID) }
		if in.Action == PowerShutdown {
			start = func() (string, error) {
				return c.ShutdownVM(ctx, g.Node, g.VMID, proxmox.ShutdownOptions{ForceStop: true})
			}
		}
	case PowerReboot:
		start = func() (string, error) { return c.RebootVM(ctx, g.Node, g.VMID) }
	default:
		return domain.PowerUnknown, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("unknown power action %q", in.Action), string(proxmox.Invalid), nil)
	}
	if err := a.runTask(ctx, c, start, nil); err != nil {
		return domain.PowerUnknown, err
	}
	return after, nil
}

package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

// ContainerPowerAction is a power operation on a container.
type ContainerPowerAction string

// Container power actions.
const (
	ContainerPowerStart   ContainerPowerAction = "start"
	ContainerPowerStop    ContainerPowerAction = "stop"
	ContainerPowerRestart ContainerPowerAction = "restart"
)

// ContainerPowerRequest asks for one power action on a container.
type ContainerPowerRequest struct {
	Guest  ContainerRef         `json:"guest"`
	Action ContainerPowerAction `json:"action"`
}

// PowerContainer runs a power action on a container, each task polled to
// its end with its UPID in the heartbeats, and returns the power state it
// leaves. Starting a running container or stopping a stopped one does
// nothing; restart stops a running container, then starts it. A container
// Proxmox does not have is the non-retryable NotFound.
func (a *Proxmox) PowerContainer(ctx context.Context, in ContainerPowerRequest) (domain.PowerState, error) {
	g := in.Guest
	c, err := a.client(ctx, g.NodeID)
	if err != nil {
		return domain.PowerUnknown, err
	}
	st, err := c.ContainerStatus(ctx, g.Node, g.VMID)
	if err != nil {
		return domain.PowerUnknown, classifyPVE(err)
	}
	stop := func() (string, error) { return c.StopContainer(ctx, g.Node, g.VMID) }
	start := func() (string, error) { return c.StartContainer(ctx, g.Node, g.VMID) }
	switch in.Action {
	case ContainerPowerStart, ContainerPowerRestart:
		if st.Running() && in.Action == ContainerPowerRestart {
			if err := a.runTaskOfType(ctx, c, "vzstop", stop, nil); err != nil {
				return domain.PowerUnknown, err
			}
		} else if st.Running() {
			return domain.PowerRunning, nil
		}
		if err := a.runTaskOfType(ctx, c, "vzstart", start, nil); err != nil {
			return domain.PowerUnknown, err
		}
		return domain.PowerRunning, nil
	case ContainerPowerStop:
		if !st.Running() {
			return domain.PowerStopped, nil
		}
		if err := a.runTaskOfType(ctx, c, "vzstop", stop, nil); err != nil {
			return domain.PowerUnknown, err
		}
		return domain.PowerStopped, nil
	}
	return domain.PowerUnknown, temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("unknown container power action %q", in.Action), string(proxmox.Invalid), nil)
}

// ContainerAddress is the address a container must lease: its reserved
// IPv4 on the interface with its MAC.
type ContainerAddress struct {
	Guest ContainerRef `json:"guest"`
	IPv4  string       `json:"ipv4"`
	MAC   string       `json:"mac"`
}

// WaitContainerIPv4 polls the running container's interfaces, heartbeating,
// until the interface with the reserved MAC has an IPv4 address, and
// returns it. An address other than the reserved one means the site
// gateway's DHCP reservation was not live when the container asked for
// its lease: the non-retryable AddressMismatch. The wait is bounded by the
// activity's timeout.
func (a *Proxmox) WaitContainerIPv4(ctx context.Context, in ContainerAddress) (string, error) {
	g := in.Guest
	c, err := a.client(ctx, g.NodeID)
	if err != nil {
		return "", err
	}
	pace := a.Wait.Within(pollLimit(ctx))
	delay := pace.Interval
	for {
		ifaces, err := c.ContainerInterfaces(ctx, g.Node, g.VMID)
		if err != nil {
			return "", classifyPVE(err)
		}
		if len(ifaces) == 0 {
			// Proxmox lists no interfaces of a stopped or missing
			// container: neither will ever lease an address.
			if err := containerRunning(ctx, c, g); err != nil {
				return "", err
			}
		}
		for _, i := range ifaces {
			if !strings.EqualFold(i.HWAddr, in.MAC) {
				continue
			}
			if ip, ok := i.NICIPv4(); ok {
				if ip.String() != in.IPv4 {
					return ip.String(), temporal.NewNonRetryableApplicationError(fmt.Sprintf(
						"container %s leased %s instead of its reserved %s: the site gateway's DHCP reservation for %s was not live at its start",
						g.Hostname, ip, in.IPv4, in.MAC), ErrTypeAddressMismatch, nil)
				}
				return ip.String(), nil
			}
		}
		activity.RecordHeartbeat(ctx)
		select {
		case <-ctx.Done():
			return "", classifyPVE(ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, pace.MaxInterval)
	}
}

// containerRunning returns nil when the container runs, the non-retryable
// GuestMissing when Proxmox no longer has it and a non-retryable Conflict
// when it is stopped.
func containerRunning(ctx context.Context, c *proxmox.Client, g ContainerRef) error {
	st, err := c.ContainerStatus(ctx, g.Node, g.VMID)
	if proxmox.KindOf(err) == proxmox.NotFound {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"container %s (VMID %d on %s) no longer exists in Proxmox", g.Hostname, g.VMID, g.Node), ErrTypeGuestMissing, err)
	}
	if err != nil {
		return classifyPVE(err)
	}
	if st.Status != "running" {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"container %s (VMID %d on %s) is %s: it has no address to wait for; start it, then retry", g.Hostname, g.VMID, g.Node, st.Status),
			ErrTypeConflict, nil)
	}
	return nil
}

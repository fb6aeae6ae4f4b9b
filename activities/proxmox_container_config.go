package activities

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/internal/proxmox"
)

// ContainerResize are resource changes of a container; nil fields stay.
type ContainerResize struct {
	Guest    ContainerRef `json:"guest"`
	Cores    *int         `json:"cores,omitempty"`
	MemoryMB *int         `json:"memory_mb,omitempty"`
	SwapMB   *int         `json:"swap_mb,omitempty"`
	DiskGB   *int         `json:"disk_gb,omitempty"`
}

// ResizeContainer applies cores, memory and swap (which an LXC container
// takes at once, running or not, so no restart is needed) and grows the
// root disk to DiskGB when it is smaller, polling the resize task. A disk
// is never shrunk: a smaller DiskGB than the disk is a non-retryable
// Invalid. Applying the same change again does nothing new.
func (a *Proxmox) ResizeContainer(ctx context.Context, in ContainerResize) error {
	g := in.Guest
	c, err := a.client(ctx, g.NodeID)
	if err != nil {
		return err
	}
	set := map[string]any{}
	for key, v := range map[string]*int{"cores": in.Cores, "memory": in.MemoryMB, "swap": in.SwapMB} {
		if v != nil {
			set[key] = *v
		}
	}
	if len(set) > 0 {
		if err := c.SetContainerConfig(ctx, g.Node, g.VMID, proxmox.ConfigChange{Set: set}); err != nil {
			return classifyPVE(err)
		}
	}
	if in.DiskGB == nil {
		return nil
	}
	conf, err := c.ContainerConfig(ctx, g.Node, g.VMID)
	if err != nil {
		return classifyPVE(err)
	}
	cur, ok := diskGiB(conf["rootfs"])
	switch {
	case !ok:
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"container %d has no readable root disk size (rootfs %q)", g.VMID, conf["rootfs"]), string(proxmox.Invalid), nil)
	case *in.DiskGB < cur:
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
			"container %d's disk is %d GiB; a disk is never shrunk to %d GiB", g.VMID, cur, *in.DiskGB), string(proxmox.Invalid), nil)
	case *in.DiskGB == cur:
		return nil
	}
	return a.runTaskOfType(ctx, c, "vzresize", func() (string, error) {
		return c.ResizeContainerDisk(ctx, g.Node, g.VMID, "rootfs", *in.DiskGB)
	}, nil)
}

// diskGiB reads the size= option of a disk property string such as
// "local-lvm:vm-300-disk-0,size=8G", in whole GiB (rounded up).
func diskGiB(prop string) (int, bool) {
	for _, opt := range strings.Split(prop, ",") {
		v, ok := strings.CutPrefix(opt, "size=")
		if !ok || v == "" {
			continue
		}
		unit := map[byte]float64{'K': 1.0 / (1 << 20), 'M': 1.0 / 1024, 'G': 1, 'T': 1024}
		mult, ok := unit[v[len(v)-1]]
		if !ok {
			return 0, false
		}
		n, err := strconv.ParseFloat(v[:len(v)-1], 64)
		if err != nil {
			return 0, false
		}
		gib := n * mult
		whole := int(gib)
		if float64(whole) < gib {
			whole++
		}
		return whole, true
	}
	return 0, false
}

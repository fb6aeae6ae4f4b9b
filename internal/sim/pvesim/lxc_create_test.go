package pvesim_test

import (
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

const debianTemplate = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"

// TestContainerUnprivilegedDefault checks create_vm's default: a new
// container is unprivileged unless unprivileged=0 is asked for.
func TestContainerUnprivilegedDefault(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	tmpl := proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate}
	disk := proxmox.ContainerOption{Name: "storage", Value: "local-lvm"}

	task, err := n.NewContainer(cx, 610, tmpl, disk)
	mustOK(t, task, err)
	ct, err := n.Container(cx, 610)
	if err != nil || !bool(ct.ContainerConfig.Unprivileged) {
		t.Errorf("default: %+v, %v", ct, err)
	}
	if g, _ := s.Guest("pve1", 610); g.Config["unprivileged"] != "1" {
		t.Errorf("stored config = %v", g.Config)
	}

	task, err = n.NewContainer(cx, 611, tmpl, disk, proxmox.ContainerOption{Name: "unprivileged", Value: 0})
	mustOK(t, task, err)
	if g, _ := s.Guest("pve1", 611); g.Config["unprivileged"] != "" {
		t.Errorf("privileged container stores unprivileged = %q", g.Config["unprivileged"])
	}
}

// TestContainerCreateStartsSeparately checks that start=1 ends the vzcreate
// task and runs a vzstart task of its own, whose failure leaves the
// container in place, stopped.
func TestContainerCreateStartsSeparately(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	opts := []proxmox.ContainerOption{{Name: "ostemplate", Value: debianTemplate},
		{Name: "storage", Value: "local-lvm"}, {Name: "start", Value: 1}}

	task, err := n.NewContainer(cx, 620, opts...)
	mustOK(t, task, err)
	start := waitSimTask(t, s, "vzstart", 620)
	if start.ExitStatus != "OK" || start.UPID == string(task.UPID) {
		t.Errorf("vzstart = %+v", start)
	}
	if g, _ := s.Guest("pve1", 620); g.Status != "running" {
		t.Errorf("after vzstart: %s", g.Status)
	}

	// More memory than the node has: the create succeeds, the start fails.
	big := append(opts, proxmox.ContainerOption{Name: "memory", Value: 1 << 20})
	task, err = n.NewContainer(cx, 621, big...)
	mustOK(t, task, err)
	start = waitSimTask(t, s, "vzstart", 621)
	if start.ExitStatus != "startup for container '621' failed" {
		t.Errorf("vzstart of oversized CT = %q", start.ExitStatus)
	}
	g, ok := s.Guest("pve1", 621)
	if !ok || g.Status != "stopped" || g.Lock != "" {
		t.Errorf("after failed start: %+v, %v", g, ok)
	}
}

// TestContainerCreateStartInjectedFailure checks that an injected vzstart
// failure fails only the start task and keeps the created container.
func TestContainerCreateStartInjectedFailure(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Faults = &pvesim.Faults{TaskFailureRates: map[string]float64{"vzstart": 1}} })
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	task, err := n.NewContainer(cx, 622, proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate},
		proxmox.ContainerOption{Name: "storage", Value: "local-lvm"}, proxmox.ContainerOption{Name: "start", Value: 1})
	mustOK(t, task, err)
	if tk := waitSimTask(t, s, "vzstart", 622); tk.ExitStatus != "startup for container '622' failed" {
		t.Errorf("vzstart = %q", tk.ExitStatus)
	}
	g, ok := s.Guest("pve1", 622)
	if !ok || g.Status != "stopped" || g.Lock != "" || g.Config["rootfs"] != "local-lvm:vm-622-disk-0,size=4G" {
		t.Errorf("after failed start: %+v, %v", g, ok)
	}
}

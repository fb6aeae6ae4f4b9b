package proxmox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
)

func TestContainerEnvAndDNSReachTheConfig(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	spec := ctSpec(310, "BC:24:11:00:00:31")
	spec.Env = map[string]string{"B_VAR": "two words", "A_VAR": "1"}
	spec.SearchDomain, spec.Nameserver = "lab.internal", "10.10.0.1"
	upid, err := c.CreateContainer(ctx, "pve1", spec)
	mustTask(t, c, upid, err)
	conf := guest(t, s, "pve1", 310).Config
	if conf["env"] != "A_VAR=1\x00B_VAR=two words" {
		t.Errorf("env = %q, want the sorted NUL-separated list", conf["env"])
	}
	if conf["searchdomain"] != "lab.internal" || conf["nameserver"] != "10.10.0.1" {
		t.Errorf("searchdomain %q nameserver %q", conf["searchdomain"], conf["nameserver"])
	}
}

func TestContainerSpecRefusesBadEnvAndNameserver(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	for _, mutate := range []func(*proxmox.ContainerSpec){
		func(sp *proxmox.ContainerSpec) { sp.Env = map[string]string{"1BAD": "x"} },
		func(sp *proxmox.ContainerSpec) { sp.Env = map[string]string{"OK": "a\x00B=b"} },
		func(sp *proxmox.ContainerSpec) { sp.Nameserver = "10.10.0.1,8.8.8.8" },
	} {
		spec := ctSpec(311, "BC:24:11:00:00:32")
		mutate(&spec)
		_, err := c.CreateContainer(ctx, "pve1", spec)
		wantKind(t, err, proxmox.Invalid)
	}
}

func TestResizeContainerDiskGrowsAndNeverShrinks(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.CreateContainer(ctx, "pve1", ctSpec(312, "BC:24:11:00:00:33"))
	mustTask(t, c, upid, err)
	upid, err = c.ResizeContainerDisk(ctx, "pve1", 312, "rootfs", 10)
	mustTask(t, c, upid, err)
	if rootfs := guest(t, s, "pve1", 312).Config["rootfs"]; !strings.Contains(rootfs, "size=10G") {
		t.Errorf("rootfs after resize: %s", rootfs)
	}
	_, err = c.ResizeContainerDisk(ctx, "pve1", 312, "rootfs", 2)
	if err == nil {
		t.Fatal("shrinking a disk was accepted")
	}
	_, err = c.ResizeContainerDisk(ctx, "pve1", 312, "rootfs;x", 20)
	wantKind(t, err, proxmox.Invalid)
}

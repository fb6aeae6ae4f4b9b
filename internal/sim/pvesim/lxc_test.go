package pvesim_test

import (
	"strings"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

func TestContainerLifecycle(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.CreateCT = 500 * time.Second }) // 500 ms, to see the lock
	c := newClient(t, s)
	cx := ctx(t)
	n, err := c.Node(cx, "pve2")
	if err != nil {
		t.Fatal(err)
	}
	const mac = "BC:24:11:AA:BB:01"
	if err := s.PinLease("vmbr0", mac, "10.10.0.77"); err != nil {
		t.Fatal(err)
	}
	task, err := n.NewContainer(cx, 500,
		proxmox.ContainerOption{Name: "ostemplate", Value: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"},
		proxmox.ContainerOption{Name: "hostname", Value: "web-1"},
		proxmox.ContainerOption{Name: "net0", Value: "name=eth0,bridge=vmbr0,hwaddr=" + mac + ",ip=dhcp"},
		proxmox.ContainerOption{Name: "memory", Value: 1024},
		proxmox.ContainerOption{Name: "cores", Value: 2},
		proxmox.ContainerOption{Name: "rootfs", Value: "local-lvm:8"},
		proxmox.ContainerOption{Name: "password", Value: "s3cret-pass"},
		proxmox.ContainerOption{Name: "unprivileged", Value: 1},
		proxmox.ContainerOption{Name: "pool", Value: "labforge"},
		proxmox.ContainerOption{Name: "start", Value: 1},
	)
	if err != nil {
		t.Fatalf("NewContainer: %v", err)
	}
	if d, ok := s.Guest("pve2", 500); !ok || d.Lock != "create" {
		t.Errorf("during create: %+v", d)
	}
	mustOK(t, task, nil)
	if tk := waitSimTask(t, s, "vzstart", 500); tk.ExitStatus != "OK" {
		t.Fatalf("vzstart = %+v", tk)
	}

	ct, err := n.Container(cx, 500)
	if err != nil {
		t.Fatalf("Container: %v", err)
	}
	cc := ct.ContainerConfig
	if ct.Status != "running" || cc.Hostname != "web-1" || *cc.Memory != 1024 || cc.Cores != 2 || !bool(cc.Unprivileged) || cc.OSType != "debian" {
		t.Errorf("container = %+v config = %+v", ct, cc)
	}
	if !strings.Contains(cc.Nets["net0"], "hwaddr="+mac) || !strings.HasPrefix(cc.RootFS, "local-lvm:vm-500-disk-0,size=8G") {
		t.Errorf("net0 %q rootfs %q", cc.Nets["net0"], cc.RootFS)
	}
	var ifaces proxmox.ContainerInterfaces
	eventually(t, "CT 500's DHCP lease", func() bool {
		ifaces, err = ct.Interfaces(cx)
		return err == nil && len(ifaces) == 2 && ifaces[1].Inet != ""
	})
	if ifaces[1].Name != "eth0" || ifaces[1].HWAddr != strings.ToLower(mac) || ifaces[1].Inet != "10.10.0.77/24" {
		t.Errorf("eth0 = %+v", ifaces[1])
	}
	if g, _ := s.Guest("pve2", 500); g.Pool != "labforge" || g.IPv4 != "10.10.0.77" || g.Config["password"] != "" {
		t.Errorf("state = %+v", g)
	}

	// A second create with the same VMID fails synchronously.
	_, err = n.NewContainer(cx, 500, proxmox.ContainerOption{Name: "ostemplate", Value: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"})
	if err == nil || err.Error() != "500 CT 500 already exists on node 'pve2'" {
		t.Errorf("duplicate create: %v", err)
	}
	// Starting a running container is refused synchronously (unlike VMs).
	if _, err := ct.Start(cx); err == nil || err.Error() != "500 CT 500 already running" {
		t.Errorf("start running CT: %v", err)
	}
	if _, err := ct.Delete(cx, nil); err == nil || err.Error() != "500 unable to destroy CT 500 - container is running" {
		t.Errorf("delete running CT: %v", err)
	}

	task, err = ct.NewSnapshot(cx, "before")
	mustOK(t, task, err)
	task, err = ct.Shutdown(cx, false, 30)
	mustOK(t, task, err)
	if ifaces, err := ct.Interfaces(cx); err != nil || len(ifaces) != 0 {
		t.Errorf("interfaces of stopped CT: %+v, %v", ifaces, err)
	}
	task, err = ct.Snapshot("before").Rollback(cx, true)
	mustOK(t, task, err)
	// The rollback task forks a separate vzstart task (vm_start API call).
	if tk := waitSimTaskAfter(t, s, "vzstart", 500, string(task.UPID)); tk.ExitStatus != "OK" {
		t.Errorf("start after rollback = %+v", tk)
	}
	if g, _ := s.Guest("pve2", 500); g.Status != "running" {
		t.Errorf("rollback with start: %s", g.Status)
	}
	task, err = ct.Stop(cx)
	mustOK(t, task, err)

	task, err = ct.Delete(cx, &proxmox.ContainerDeleteOptions{Purge: true})
	mustOK(t, task, err)
	if _, ok := s.Guest("pve2", 500); ok {
		t.Error("container still exists")
	}
}

func TestContainerCreateChecks(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	tmplOpt := proxmox.ContainerOption{Name: "ostemplate", Value: "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst"}

	// The default storage "local" holds no container root disks.
	_, err := n.NewContainer(cx, 600, tmplOpt)
	if err == nil || !strings.Contains(err.Error(), `"storage":"storage 'local' does not support container directories"`) {
		t.Errorf("create on local: %v", err)
	}
	// A missing template fails in the task and leaves nothing behind.
	task, err := n.NewContainer(cx, 601, proxmox.ContainerOption{Name: "ostemplate", Value: "local:vztmpl/nope.tar.zst"},
		proxmox.ContainerOption{Name: "storage", Value: "local-lvm"})
	if err != nil {
		t.Fatal(err)
	}
	if got := waitTask(t, task).ExitStatus; got != "unable to create CT 601 - volume 'local:vztmpl/nope.tar.zst' does not exist" {
		t.Errorf("missing template = %q", got)
	}
	if _, ok := s.Guest("pve1", 601); ok {
		t.Error("failed create left CT 601")
	}
	// Without hwaddr a BC:24:11 MAC is generated.
	task, err = n.NewContainer(cx, 602, tmplOpt, proxmox.ContainerOption{Name: "storage", Value: "local-lvm"},
		proxmox.ContainerOption{Name: "net0", Value: "name=eth0,bridge=vmbr0,ip=dhcp"})
	mustOK(t, task, err)
	g, _ := s.Guest("pve1", 602)
	if !strings.HasPrefix(g.MACs["net0"], "BC:24:11:") || g.Config["ostype"] != "ubuntu" || g.Config["rootfs"] != "local-lvm:vm-602-disk-0,size=4G" {
		t.Errorf("generated: %+v", g)
	}
	// Pools must exist: a permission error, which go-proxmox reports as not authorized.
	_, err = n.NewContainer(cx, 603, tmplOpt, proxmox.ContainerOption{Name: "pool", Value: "ghost"})
	if !proxmox.IsNotAuthorized(err) {
		t.Errorf("missing pool: %v", err)
	}
}

func TestContainerClone(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.CloneLinked = 500 * time.Second }) // 500 ms, to see the lock
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	task, err := n.NewContainer(cx, 700, proxmox.ContainerOption{Name: "ostemplate", Value: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"},
		proxmox.ContainerOption{Name: "rootfs", Value: "local-lvm:8"}, proxmox.ContainerOption{Name: "net0", Value: "name=eth0,bridge=vmbr0,ip=dhcp"})
	mustOK(t, task, err)
	ct, _ := n.Container(cx, 700)
	if err := ct.Template(cx); err != nil {
		t.Fatal(err)
	}
	eventually(t, "CT 700 to become a template", func() bool { g, _ := s.Guest("pve1", 700); return g.Template })

	_, task, err = ct.Clone(cx, &proxmox.ContainerCloneOptions{NewID: 701, Hostname: "clone-1"})
	if err != nil {
		t.Fatal(err)
	}
	src, _ := s.Guest("pve1", 700)
	if src.Lock != "disk" {
		t.Errorf("source lock during clone = %q; want disk", src.Lock)
	}
	mustOK(t, task, nil)
	g, _ := s.Guest("pve1", 701)
	src, _ = s.Guest("pve1", 700)
	if g.Name != "clone-1" || g.Lock != "" || src.Lock != "" || len(g.Disks) != 1 || g.Disks[0].Base != "base-700-disk-0" || g.MACs["net0"] == src.MACs["net0"] {
		t.Errorf("clone = %+v, source = %+v", g, src)
	}
	if _, _, err := ct.Clone(cx, &proxmox.ContainerCloneOptions{NewID: 701}); err == nil || err.Error() != "500 CT 701 already exists on node 'pve1'" {
		t.Errorf("clone onto existing: %v", err)
	}
}

package proxmox_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

const debianTemplate = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"

// ctSpec is a minimal container on local-lvm with a fixed MAC.
func ctSpec(vmid int, mac string) proxmox.ContainerSpec {
	return proxmox.ContainerSpec{VMID: vmid, OSTemplate: debianTemplate, Storage: "local-lvm", RootFSGiB: 4,
		Net0: proxmox.ContainerNIC{Bridge: "vmbr0", HWAddr: mac}}
}

func TestContainerPrivilegeDefault(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.CreateContainer(ctx, "pve1", ctSpec(310, "BC:24:11:00:03:10"))
	mustTask(t, c, upid, err)
	if cfg, err := c.ContainerConfig(ctx, "pve1", 310); err != nil || cfg["unprivileged"] != "1" {
		t.Errorf("default container config = %v, %v", cfg, err)
	}
	spec := ctSpec(311, "BC:24:11:00:03:11")
	spec.Privileged = true
	upid, err = c.CreateContainer(ctx, "pve1", spec)
	mustTask(t, c, upid, err)
	if cfg, err := c.ContainerConfig(ctx, "pve1", 311); err != nil || cfg["unprivileged"] != "" {
		t.Errorf("privileged container config = %v, %v", cfg, err)
	}
}

func TestContainerStartAfterCreate(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	spec := ctSpec(320, "BC:24:11:00:03:20")
	spec.Start = true
	upid, err := c.CreateContainer(ctx, "pve1", spec)
	if st := mustTask(t, c, upid, err); st.Type != "vzcreate" {
		t.Errorf("create task type %s", st.Type)
	}
	waitRunning(t, c, 320)

	// A start that fails leaves the created container, stopped.
	if err := s.SetFaults(pvesim.Faults{TaskFailureRates: map[string]float64{"vzstart": 1}}); err != nil {
		t.Fatal(err)
	}
	spec = ctSpec(321, "BC:24:11:00:03:21")
	spec.Start = true
	upid, err = c.CreateContainer(ctx, "pve1", spec)
	mustTask(t, c, upid, err)
	deadline := time.Now().Add(5 * time.Second)
	for !slices.ContainsFunc(s.Tasks(), func(tk pvesim.TaskState) bool { return tk.Type == "vzstart" && tk.ID == "321" && !tk.Running }) {
		if time.Now().After(deadline) {
			t.Fatal("no vzstart task for CT 321")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if st, err := c.ContainerStatus(ctx, "pve1", 321); err != nil || st.Running() {
		t.Errorf("CT 321 after a failed start = %+v, %v", st, err)
	}
}

// waitRunning polls ContainerStatus on pve1 (up to 5 s) until the
// container runs.
func waitRunning(t testing.TB, c *proxmox.Client, vmid int) {
	t.Helper()
	ctx := testCtx(t, 5*time.Second)
	for {
		st, err := c.ContainerStatus(ctx, "pve1", vmid)
		if err != nil {
			t.Fatalf("ContainerStatus(%d): %v", vmid, err)
		}
		if st.Running() {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("CT %d not running after 5s", vmid)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

func TestContainerInterfacesOfStoppedAndMissing(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.CreateContainer(ctx, "pve1", ctSpec(330, "BC:24:11:00:03:30"))
	mustTask(t, c, upid, err)
	for _, vmid := range []int{330, 339} {
		if ifs, err := c.ContainerInterfaces(ctx, "pve1", vmid); err != nil || len(ifs) != 0 {
			t.Errorf("ContainerInterfaces(%d) = %+v, %v", vmid, ifs, err)
		}
	}
}

func TestContainerLeaseAfterDelay(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.DHCPLease = 300 * time.Second }) // 300 ms
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	const mac = "BC:24:11:00:03:40"
	if err := s.SetLease(mac, "10.10.0.140"); err != nil {
		t.Fatal(err)
	}
	upid, err := c.CreateContainer(ctx, "pve1", ctSpec(340, mac))
	mustTask(t, c, upid, err)
	upid, err = c.StartContainer(ctx, "pve1", 340)
	mustTask(t, c, upid, err)
	ifs, err := c.ContainerInterfaces(ctx, "pve1", 340)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		if _, ok := i.IPv4(); ok && i.Name == "eth0" {
			t.Errorf("eth0 has an address right after the start: %+v", i)
		}
	}
	eth0 := waitContainerIPv4(t, c, "pve1", 340, "eth0")
	if ip, _ := eth0.IPv4(); ip != netip.MustParseAddr("10.10.0.140") {
		t.Errorf("eth0 = %+v", eth0)
	}
}

func TestContainerDeleteLocked(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.CreateCT = 500 * time.Second }) // 500 ms, to see the lock
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.CreateContainer(ctx, "pve1", ctSpec(350, "BC:24:11:00:03:50"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteContainer(ctx, "pve1", 350, true, false)
	if e := wantKind(t, err, proxmox.Locked); e.Message != "CT is locked (create)" {
		t.Errorf("delete while creating: %+v", e)
	}
	mustTask(t, c, upid, nil)
}

func TestPullOCIImageAndCreate(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	const ref = "docker.io/library/alpine:3.22"
	upid, err := c.PullOCIImage(ctx, "pve1", "local", ref, "")
	if st := mustTask(t, c, upid, err); st.Type != "ociregistrypull" {
		t.Errorf("pull task type %s", st.Type)
	}
	volid := proxmox.OCITemplateVolume("local", ref, "")
	vols, err := c.StorageContent(ctx, "pve1", "local", "vztmpl")
	if err != nil || !slices.ContainsFunc(vols, func(v proxmox.StorageVolume) bool {
		return v.VolID == volid && v.Content == "vztmpl" && v.Format == "tar" && v.Size > 0
	}) {
		t.Errorf("StorageContent = %+v, %v; want %s", vols, err, volid)
	}
	for _, v := range vols {
		if v.Content != "vztmpl" {
			t.Errorf("content filter let %+v through", v)
		}
	}

	_, err = c.PullOCIImage(ctx, "pve1", "local", ref, "")
	wantKind(t, err, proxmox.AlreadyExists)
	_, err = c.PullOCIImage(ctx, "pve1", "local-lvm", ref, "")
	wantKind(t, err, proxmox.Invalid)
	if validating(t, s) {
		_, err = c.PullOCIImage(ctx, "pve1", "local", "alpine", "")
		wantKind(t, err, proxmox.Invalid)
	}

	spec := ctSpec(360, "BC:24:11:00:03:60")
	spec.OSTemplate = volid
	upid, err = c.CreateContainer(ctx, "pve1", spec)
	mustTask(t, c, upid, err)
	if g := guest(t, s, "pve1", 360); !strings.HasPrefix(g.Config["rootfs"], "local-lvm:vm-360-disk-0") {
		t.Errorf("container from OCI image = %+v", g)
	}
}

func TestOCITemplateVolume(t *testing.T) {
	for _, tc := range []struct{ ref, file, want string }{
		{"docker.io/library/alpine:3.22", "", "local:vztmpl/alpine_3.22.tar"},
		{"ghcr.io/acme/web:1.0", "web app", "local:vztmpl/web_app.tar"},
		{"nginx:latest", "", "local:vztmpl/nginx_latest.tar"},
	} {
		if got := proxmox.OCITemplateVolume("local", tc.ref, tc.file); got != tc.want {
			t.Errorf("OCITemplateVolume(%q, %q) = %q; want %q", tc.ref, tc.file, got, tc.want)
		}
	}
}

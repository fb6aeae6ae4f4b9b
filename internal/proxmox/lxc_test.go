package proxmox_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
)

func TestContainerLifecycleWithFixedMAC(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve2", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	const mac = "BC:24:11:AB:CD:EF"
	// Labforge writes the dnsmasq dhcp-host entry before the start, so the
	// first lease is the reserved address.
	if err := s.PinLease("vmbr0", mac, "10.10.0.42"); err != nil {
		t.Fatal(err)
	}

	spec := proxmox.ContainerSpec{
		VMID: 300, OSTemplate: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", Hostname: "web-1",
		Description: "labforge:ct-300", Tags: []string{"labforge", "lf-ct-300"},
		Net0:  proxmox.ContainerNIC{Bridge: "vmbr0", HWAddr: strings.ToLower(mac)},
		Cores: 2, Memory: 1024, Storage: "local-lvm", RootFSGiB: 4, Pool: "labforge",
		SSHKeys: []string{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample user@host"},
	}
	upid, err := c.CreateContainer(ctx, "pve2", spec)
	st := mustTask(t, c, upid, err)
	if st.Type != "vzcreate" {
		t.Errorf("create task type %s", st.Type)
	}
	g := guest(t, s, "pve2", 300)
	if g.Type != "lxc" || g.Name != "web-1" || g.Status != "stopped" || g.Pool != "labforge" || g.MACs["net0"] != mac ||
		g.Config["unprivileged"] != "1" || g.Config["cores"] != "2" || g.Config["memory"] != "1024" ||
		!strings.Contains(g.Config["net0"], "ip=dhcp") || !strings.Contains(g.Config["net0"], "bridge=vmbr0") ||
		!slices.Equal(g.Tags, []string{"labforge", "lf-ct-300"}) {
		t.Errorf("container = %+v", g)
	}
	if found, ok, err := c.FindGuest(ctx, 300); err != nil || !ok || found.Type != "lxc" || !found.HasTag("lf-ct-300") {
		t.Errorf("FindGuest = %+v, %v, %v", found, ok, err)
	}

	if err := c.SetContainerConfig(ctx, "pve2", 300, proxmox.ConfigChange{
		Set: map[string]any{"description": "labforge:ct-300 web", "onboot": true}}); err != nil {
		t.Fatalf("SetContainerConfig: %v", err)
	}
	cfg, err := c.ContainerConfig(ctx, "pve2", 300)
	if err != nil || cfg["description"] != "labforge:ct-300 web" || cfg["onboot"] != "1" || cfg["unprivileged"] != "1" ||
		!slices.Equal(cfg.Tags(), []string{"labforge", "lf-ct-300"}) {
		t.Errorf("ContainerConfig = %v, %v", cfg, err)
	}

	upid, err = c.StartContainer(ctx, "pve2", 300)
	mustTask(t, c, upid, err)
	if g := guest(t, s, "pve2", 300); g.Status != "running" || g.IPv4 != "10.10.0.42" {
		t.Fatalf("after start: status %s, IPv4 %s", g.Status, g.IPv4)
	}
	eth0 := waitContainerIPv4(t, c, "pve2", 300, "eth0")
	if ip, _ := eth0.IPv4(); ip != netip.MustParseAddr("10.10.0.42") || eth0.HWAddr != strings.ToLower(mac) {
		t.Errorf("eth0 = %+v", eth0)
	}

	_, err = c.StartContainer(ctx, "pve2", 300)
	if e := wantKind(t, err, proxmox.Conflict); e.Status != 500 || !strings.Contains(e.Message, "already running") {
		t.Errorf("second start: %+v", e)
	}

	upid, err = c.StopContainer(ctx, "pve2", 300)
	mustTask(t, c, upid, err)
	if cs, err := c.ContainerStatus(ctx, "pve2", 300); err != nil || cs.Running() {
		t.Errorf("ContainerStatus after stop = %+v, %v", cs, err)
	}
	upid, err = c.DeleteContainer(ctx, "pve2", 300, true, false)
	mustTask(t, c, upid, err)
	if _, ok := s.Guest("pve2", 300); ok {
		t.Error("container 300 still exists after delete")
	}
}

func TestContainerSpecValidation(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve2", proxmox.Options{})
	ctx := testCtx(t, 5*time.Second)
	base := proxmox.ContainerSpec{VMID: 301, OSTemplate: "local:vztmpl/x.tar.zst", Storage: "local-lvm",
		Net0: proxmox.ContainerNIC{Bridge: "vmbr0", HWAddr: "BC:24:11:00:00:01"}}
	cases := map[string]func(*proxmox.ContainerSpec){
		"property injection in bridge": func(s *proxmox.ContainerSpec) { s.Net0.Bridge = "vmbr0,ip=10.0.0.9/24" },
		"bad MAC":                      func(s *proxmox.ContainerSpec) { s.Net0.HWAddr = "BC:24:11:00:00" },
		"multicast MAC":                func(s *proxmox.ContainerSpec) { s.Net0.HWAddr = "01:00:5E:00:00:01" },
		"bad IP":                       func(s *proxmox.ContainerSpec) { s.Net0.IP = "10.0.0.9" },
		"multi-line SSH key":           func(s *proxmox.ContainerSpec) { s.SSHKeys = []string{"ssh-ed25519 AAA\nevil"} },
		"bad tag":                      func(s *proxmox.ContainerSpec) { s.Tags = []string{"a;b"} },
		"low VMID":                     func(s *proxmox.ContainerSpec) { s.VMID = 99 },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			spec := base
			mutate(&spec)
			_, err := c.CreateContainer(ctx, "pve2", spec)
			wantKind(t, err, proxmox.Invalid)
		})
	}
	if n := s.Stats().RequestCount("POST", "/nodes/{node}/lxc"); n != 0 {
		t.Errorf("%d invalid specs reached the server", n)
	}
}

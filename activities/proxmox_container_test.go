package activities

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// ctFixture is pxFixture with a site whose network is the simulator's
// vmbr0 (10.10.0.0/24) served by nodes pve1 and pve2.
type ctFixture struct {
	*pxFixture
	site *domain.Site
}

func newCtFixture(t *testing.T) *ctFixture { return newCtFixtureWith(t, pvesim.Durations{}) }

func newCtFixtureWith(t *testing.T, d pvesim.Durations) *ctFixture {
	t.Helper()
	return newCtFixtureOn(t, newPxFixtureWith(t, d))
}

// newCtFixtureOn adds the site to px.
func newCtFixtureOn(t *testing.T, px *pxFixture) *ctFixture {
	t.Helper()
	f := &ctFixture{pxFixture: px}
	f.px.TemplateStorage = "local"
	f.site = &domain.Site{Name: "lab-a", CIDR: netip.MustParsePrefix("10.10.0.0/24"), Gateway: netip.MustParseAddr("10.10.0.1"),
		DHCPStart: netip.MustParseAddr("10.10.0.20"), DHCPEnd: netip.MustParseAddr("10.10.0.60"), InternalDomain: "lab.internal",
		DNSForwarders: []netip.Addr{netip.MustParseAddr("9.9.9.9")}, ExternalIP: netip.MustParseAddr("192.0.2.10"),
		ExternalPortFirst: domain.DefaultExternalPortFirst, ExternalPortLast: domain.DefaultExternalPortLast}
	require.NoError(t, f.db.CreateSite(f.ctx, f.site))
	for _, n := range f.nodes {
		n.SiteID = &f.site.ID
		require.NoError(t, f.db.UpdateNode(f.ctx, n))
	}
	return f
}

// newContainer stores a pending container of the site made from source.
func (f *ctFixture) newContainer(t *testing.T, hostname, source string) *domain.Container {
	t.Helper()
	c := &domain.Container{Hostname: hostname, OwnerID: f.owner.ID, SiteID: f.site.ID, Cluster: "lab", Source: source,
		Cores: 1, MemoryMB: 512, SwapMB: 256, DiskGB: 4, Env: map[string]string{"APP_MODE": "lab", "PORT": "8080"},
		SSHKeys: []string{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP4beYeIyaUiDmnYzDyyQKi0tJ6I2KyDiN62s5FGpNuZ u@h"}}
	require.NoError(t, f.db.CreateContainer(f.ctx, c))
	return c
}

// tasks counts the simulator's tasks of type typ on node.
func (f *ctFixture) tasks(node, typ string) int64 {
	c := f.sim.Stats().Nodes[node].Tasks[typ]
	return c.OK + c.Failed
}

const debianCT = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"

func TestContainerCreateIsIdempotentAndStartsAtItsReservedAddress(t *testing.T) {
	f := newCtFixture(t)
	ct := f.newContainer(t, "web-1", debianCT)
	var p ContainerPlan
	f.must(t, &p, f.bk.AllocateContainer, ct.ID)
	require.True(t, p.Placed)
	require.Equal(t, "pve1", p.Guest.Node, "the node with the most free memory")
	require.Equal(t, "vmbr0", p.Bridge)
	require.Equal(t, "local-lvm", p.Storage)
	require.Equal(t, "lab.internal", p.SearchDomain)
	require.Equal(t, "10.10.0.1", p.Nameserver)
	require.Equal(t, "lab-a", p.SiteName)
	var tpl string
	f.must(t, &tpl, f.px.EnsureContainerTemplate, p)
	require.Equal(t, debianCT, tpl, "a CT template is used as it is")

	in := ContainerCreate{Plan: p, Template: tpl}
	f.must(t, nil, f.px.CreateContainerGuest, in)
	f.must(t, nil, f.px.CreateContainerGuest, in) // a retry after a crash finds its own guest
	require.EqualValues(t, 1, f.tasks("pve1", "vzcreate"), "one container, however often create runs")
	g, ok := f.sim.Guest("pve1", p.Guest.VMID)
	require.True(t, ok)
	require.Equal(t, "lxc", g.Type)
	require.Contains(t, g.Tags, ContainerIDTag(ct.ID))
	require.Equal(t, "APP_MODE=lab\x00PORT=8080", g.Config["env"])
	require.Equal(t, "lab.internal", g.Config["searchdomain"])
	require.Equal(t, "10.10.0.1", g.Config["nameserver"])
	require.Equal(t, "1", g.Config["unprivileged"])
	require.Equal(t, "256", g.Config["swap"])
	require.Equal(t, ct.SSHKeys, g.AuthorizedKeys)
	require.Contains(t, g.Config["net0"], "hwaddr="+p.MAC)
	require.Contains(t, g.Config["net0"], "ip=dhcp")

	// The gateway's DHCP reservation, live before the start.
	require.NoError(t, f.sim.SetLease(p.MAC, p.IPv4))
	var power domain.PowerState
	f.must(t, &power, f.px.PowerContainer, ContainerPowerRequest{Guest: p.Guest, Action: ContainerPowerStart})
	require.Equal(t, domain.PowerRunning, power)
	var ip string
	f.must(t, &ip, f.px.WaitContainerIPv4, ContainerAddress{Guest: p.Guest, IPv4: p.IPv4, MAC: p.MAC})
	require.Equal(t, p.IPv4, ip)

	cores, disk := 2, 6
	f.must(t, nil, f.px.ResizeContainer, ContainerResize{Guest: p.Guest, Cores: &cores, DiskGB: &disk})
	g, _ = f.sim.Guest("pve1", p.Guest.VMID)
	require.Equal(t, "2", g.Config["cores"])
	require.Contains(t, g.Config["rootfs"], "size=6G")
	smaller := 2
	err := f.run(t, nil, nil, f.px.ResizeContainer, ContainerResize{Guest: p.Guest, DiskGB: &smaller})
	require.Equal(t, string(proxmox.Invalid), appError(t, err).Type(), "a disk is never shrunk")

	f.must(t, nil, f.px.DestroyContainer, p.Guest)
	_, ok = f.sim.Guest("pve1", p.Guest.VMID)
	require.False(t, ok)
	f.must(t, nil, f.px.DestroyContainer, p.Guest) // already gone
	err = f.run(t, nil, &power, f.px.PowerContainer, ContainerPowerRequest{Guest: p.Guest, Action: ContainerPowerStart})
	require.Equal(t, string(proxmox.NotFound), appError(t, err).Type(), "a missing guest is NotFound")
	f.must(t, nil, f.bk.ReleaseContainer, ct.ID)
	var loaded ContainerPlan
	f.must(t, &loaded, f.bk.LoadContainer, ct.ID)
	require.False(t, loaded.Placed)
}

func TestContainerWithoutItsReservationIsAnAddressMismatch(t *testing.T) {
	f := newCtFixture(t)
	ct := f.newContainer(t, "web-2", debianCT)
	var p ContainerPlan
	f.must(t, &p, f.bk.AllocateContainer, ct.ID)
	f.must(t, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: debianCT})
	f.must(t, nil, f.px.PowerContainer, ContainerPowerRequest{Guest: p.Guest, Action: ContainerPowerStart})
	// No reservation: the simulator's DHCP hands out an address of its pool.
	err := f.run(t, nil, nil, f.px.WaitContainerIPv4, ContainerAddress{Guest: p.Guest, IPv4: p.IPv4, MAC: p.MAC})
	ae := appError(t, err)
	require.Equal(t, ErrTypeAddressMismatch, ae.Type())
	require.True(t, ae.NonRetryable())
	require.Contains(t, ae.Message(), p.IPv4)
}

func TestForeignGuestsAreNeverTakenOrDestroyed(t *testing.T) {
	f := newCtFixture(t)
	ct := f.newContainer(t, "web-3", debianCT)
	var p ContainerPlan
	f.must(t, &p, f.bk.AllocateContainer, ct.ID)
	// Someone else's container sits at the reserved VMID.
	c, err := f.px.Clients.For(f.ctx, p.Guest.NodeID)
	require.NoError(t, err)
	upid, err := c.CreateContainer(f.ctx, p.Guest.Node, proxmox.ContainerSpec{VMID: p.Guest.VMID, OSTemplate: debianCT,
		Hostname: "web-3", Storage: "local-lvm", Net0: proxmox.ContainerNIC{Bridge: "vmbr0", HWAddr: "BC:24:11:FF:00:01"}})
	require.NoError(t, err)
	_, err = c.WaitTask(f.ctx, "", upid, f.px.Wait)
	require.NoError(t, err)

	err = f.run(t, nil, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: debianCT})
	require.Equal(t, string(proxmox.AlreadyExists), appError(t, err).Type())
	err = f.run(t, nil, nil, f.px.DestroyContainer, p.Guest)
	ae := appError(t, err)
	require.Equal(t, string(proxmox.Conflict), ae.Type())
	require.True(t, ae.NonRetryable())
	_, ok := f.sim.Guest(p.Guest.Node, p.Guest.VMID)
	require.True(t, ok, "the foreign guest is still there")
}

// TestContainerCreateLooksAtOneGuest: the look before a container's
// creation reads the one guest on its node, never the cluster's guest
// list; a VMID taken by a guest on another node is refused by Proxmox's
// create itself, as AlreadyExists, and nothing is created.
func TestContainerCreateLooksAtOneGuest(t *testing.T) {
	f := newCtFixture(t)
	listings := func() int64 { return f.sim.Stats().RequestCount("GET", "/cluster/resources") }
	ct := f.newContainer(t, "frugal", debianCT)
	var p ContainerPlan
	f.must(t, &p, f.bk.AllocateContainer, ct.ID)
	before := listings()
	f.must(t, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: debianCT})
	require.Equal(t, before, listings(), "no cluster-wide guest list")

	taken := f.newContainer(t, "unlucky", debianCT)
	var q ContainerPlan
	f.must(t, &q, f.bk.AllocateContainer, taken.ID)
	other := "pve2"
	if q.Guest.Node == other {
		other = "pve1"
	}
	c, err := f.px.Clients.For(f.ctx, q.Guest.NodeID)
	require.NoError(t, err)
	upid, err := c.CreateContainer(f.ctx, other, proxmox.ContainerSpec{VMID: q.Guest.VMID, OSTemplate: debianCT,
		Hostname: "someone-elses", Storage: "local-lvm", Net0: proxmox.ContainerNIC{Bridge: "vmbr0", HWAddr: "BC:24:11:FF:00:02"}})
	require.NoError(t, err)
	_, err = c.WaitTask(f.ctx, "", upid, f.px.Wait)
	require.NoError(t, err)
	err = f.run(t, nil, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: q, Template: debianCT})
	require.Equal(t, string(proxmox.AlreadyExists), appError(t, err).Type(), "error: %v", err)
	_, ok := f.sim.Guest(q.Guest.Node, q.Guest.VMID)
	require.False(t, ok, "nothing created on the container's node")
	g, ok := f.sim.Guest(other, q.Guest.VMID)
	require.True(t, ok)
	require.Equal(t, "someone-elses", g.Name, "the other guest is untouched")
}

func TestOCIImageIsPulledOnlyWhenMissing(t *testing.T) {
	f := newCtFixture(t)
	ct := f.newContainer(t, "web-4", "docker.io/library/alpine:3.22")
	var p ContainerPlan
	f.must(t, &p, f.bk.AllocateContainer, ct.ID)
	var vol, again string
	f.must(t, &vol, f.px.EnsureContainerTemplate, p)
	require.Equal(t, "local:vztmpl/docker.io_library_alpine_3.22.tar", vol)
	require.EqualValues(t, 1, f.tasks(p.Guest.Node, "ociregistrypull"))
	f.must(t, &again, f.px.EnsureContainerTemplate, p)
	require.Equal(t, vol, again)
	require.EqualValues(t, 1, f.tasks(p.Guest.Node, "ociregistrypull"), "an image already there is not pulled again")
	f.must(t, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: vol})
	g, ok := f.sim.Guest(p.Guest.Node, p.Guest.VMID)
	require.True(t, ok)
	require.Equal(t, "lxc", g.Type)
}

func TestWaitContainerIPv4PollsUntilTheLeaseArrives(t *testing.T) {
	// The lease comes 300 ms (5 minutes unscaled) after the start.
	f := newCtFixtureWith(t, pvesim.Durations{DHCPLease: 5 * time.Minute})
	ct := f.newContainer(t, "web-5", debianCT)
	var p ContainerPlan
	f.must(t, &p, f.bk.AllocateContainer, ct.ID)
	f.must(t, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: debianCT})
	require.NoError(t, f.sim.SetLease(p.MAC, p.IPv4))
	f.must(t, nil, f.px.PowerContainer, ContainerPowerRequest{Guest: p.Guest, Action: ContainerPowerStart})
	c, err := f.px.Clients.For(f.ctx, p.Guest.NodeID)
	require.NoError(t, err)
	ifaces, err := c.ContainerInterfaces(f.ctx, p.Guest.Node, p.Guest.VMID)
	require.NoError(t, err)
	for _, i := range ifaces {
		_, has := i.IPv4()
		require.False(t, has, "no lease yet right after the start")
	}
	began := time.Now()
	var ip string
	f.must(t, &ip, f.px.WaitContainerIPv4, ContainerAddress{Guest: p.Guest, IPv4: p.IPv4, MAC: p.MAC})
	require.Equal(t, p.IPv4, ip)
	require.Greater(t, time.Since(began), 100*time.Millisecond, "it waited for the lease")
}

func TestWaitContainerIPv4FailsAtOnceForAStoppedOrMissingContainer(t *testing.T) {
	f := newCtFixtureWith(t, pvesim.Durations{})
	ct := f.newContainer(t, "web-6", debianCT)
	var p ContainerPlan
	f.must(t, &p, f.bk.AllocateContainer, ct.ID)
	f.must(t, nil, f.px.CreateContainerGuest, ContainerCreate{Plan: p, Template: debianCT})
	addr := ContainerAddress{Guest: p.Guest, IPv4: p.IPv4, MAC: p.MAC}

	err := f.run(t, nil, nil, f.px.WaitContainerIPv4, addr)
	require.True(t, HasErrorType(err, ErrTypeConflict), "%v", err)
	require.ErrorContains(t, err, "is stopped")

	f.must(t, nil, f.px.DestroyContainer, p.Guest)
	err = f.run(t, nil, nil, f.px.WaitContainerIPv4, addr)
	require.True(t, HasErrorType(err, ErrTypeGuestMissing), "%v", err)
	require.ErrorContains(t, err, "no longer exists")
}

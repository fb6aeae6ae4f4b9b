package pvesim_test

import (
	"encoding/json"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// resEntry is a cluster/resources entry with the fields the lag changes;
// pointers tell an absent field from a zero one.
type resEntry struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	Node        string  `json:"node"`
	VMID        int     `json:"vmid"`
	Status      string  `json:"status"`
	Name        *string `json:"name"`
	Template    *int    `json:"template"`
	MaxMem      *uint64 `json:"maxmem"`
	Mem         *uint64 `json:"mem"`
	Tags        string  `json:"tags"`
	Lock        string  `json:"lock"`
	Pool        string  `json:"pool"`
	Network     string  `json:"network"`
	NetworkType string  `json:"network-type"`
}

// resources reads GET /cluster/resources (with ?type= when typ is set).
func resources(t *testing.T, s *pvesim.Server, typ string) map[string]resEntry {
	t.Helper()
	path := "/cluster/resources"
	if typ != "" {
		path += "?type=" + typ
	}
	r := rawDo(t, s, "GET", path, "", "", nil)
	if r.status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.status, r.reason)
	}
	var w struct{ Data []resEntry }
	if err := json.Unmarshal([]byte(r.body), &w); err != nil {
		t.Fatal(err)
	}
	out := map[string]resEntry{}
	for _, e := range w.Data {
		out[e.ID] = e
	}
	return out
}

// lagSim is a simulator whose nodes refresh their status data only when
// the test calls RefreshStatus (the interval is an hour of real time),
// with operations taking a millisecond.
func lagSim(t *testing.T) *pvesim.Server {
	return newSim(t, func(c *pvesim.Config) {
		c.TimeScale = 1
		c.StatusRefresh = time.Hour
		ms := time.Millisecond
		c.Durations = pvesim.Durations{CloneLinked: ms, CloneFull: ms, CreateCT: ms, Start: ms, Stop: ms,
			Shutdown: ms, Suspend: ms, Resume: ms, Destroy: ms, ConfigUpdate: ms, Template: ms}
	})
}

func TestResourcesListNewGuestAsUnknownUntilItsNodeRefreshes(t *testing.T) {
	s := lagSim(t)
	c := newClient(t, s)
	_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 150, Name: "vm150", Pool: "labforge"})
	mustOK(t, task, err)
	rawDo(t, s, "PUT", "/nodes/pve1/qemu/150/config", "application/x-www-form-urlencoded", "tags=labforge", nil)

	// The vmlist, the config's tags and the pool are there at once...
	e, ok := resources(t, s, "vm")["qemu/150"]
	if !ok || e.Node != "pve1" || e.VMID != 150 || e.Tags != "labforge" || e.Pool != "labforge" {
		t.Fatalf("new guest = %+v (listed %v)", e, ok)
	}
	// ...the status data is not.
	if e.Status != "unknown" || e.Name != nil || e.Template != nil || e.MaxMem != nil {
		t.Errorf("new guest before its node's refresh = %+v; want status unknown without name, template, maxmem", e)
	}
	// The node answers for the guest itself.
	vm := template(t, c, "pve1", 150)
	if vm.Status != "stopped" || vm.Name != "vm150" {
		t.Errorf("status/current = %q %q", vm.Status, vm.Name)
	}

	s.RefreshStatus()
	e = resources(t, s, "vm")["qemu/150"]
	if e.Status != "stopped" || e.Name == nil || *e.Name != "vm150" || e.Template == nil || *e.Template != 0 || e.MaxMem == nil || *e.MaxMem == 0 {
		t.Errorf("new guest after the refresh = %+v", e)
	}
}

func TestResourcesListNewContainerAsUnknownUntilItsNodeRefreshes(t *testing.T) {
	s := lagSim(t)
	c := newClient(t, s)
	n, err := c.Node(ctx(t), "pve2")
	if err != nil {
		t.Fatal(err)
	}
	task, err := n.NewContainer(ctx(t), 510,
		proxmox.ContainerOption{Name: "ostemplate", Value: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"},
		proxmox.ContainerOption{Name: "hostname", Value: "web-510"},
		proxmox.ContainerOption{Name: "rootfs", Value: "local-lvm:8"},
		proxmox.ContainerOption{Name: "tags", Value: "labforge-ct"},
	)
	mustOK(t, task, err)
	e := resources(t, s, "")["lxc/510"]
	if e.Type != "lxc" || e.Status != "unknown" || e.Name != nil || e.Tags != "labforge-ct" {
		t.Errorf("new container = %+v; want lxc, unknown, no name, its tags", e)
	}
	s.RefreshStatus()
	if e = resources(t, s, "")["lxc/510"]; e.Status != "stopped" || e.Name == nil || *e.Name != "web-510" {
		t.Errorf("new container after the refresh = %+v", e)
	}
}

func TestResourcesShowThePowerStateOfTheLastRefresh(t *testing.T) {
	s := lagSim(t)
	c := newClient(t, s)
	vm := clonedVM(t, c, 151)
	s.RefreshStatus()

	task, err := vm.Start(ctx(t))
	mustOK(t, task, err)
	if e := resources(t, s, "vm")["qemu/151"]; e.Status != "stopped" {
		t.Errorf("started guest before the refresh = %q; want the old stopped", e.Status)
	}
	s.RefreshStatus()
	if e := resources(t, s, "vm")["qemu/151"]; e.Status != "running" || e.Mem == nil || *e.Mem == 0 {
		t.Errorf("started guest after the refresh = %+v", e)
	}

	// A paused VM reports its QMP status.
	task, err = vm.Pause(ctx(t))
	mustOK(t, task, err)
	if e := resources(t, s, "vm")["qemu/151"]; e.Status != "running" {
		t.Errorf("paused guest before the refresh = %q; want the old running", e.Status)
	}
	s.RefreshStatus()
	if e := resources(t, s, "vm")["qemu/151"]; e.Status != "paused" {
		t.Errorf("paused guest after the refresh = %q; want paused", e.Status)
	}
}

func TestResourcesShowAReusedVMIDWithTheOldGuestsStatus(t *testing.T) {
	s := lagSim(t)
	c := newClient(t, s)
	vm := clonedVM(t, c, 152)
	s.RefreshStatus()
	task, err := vm.Delete(ctx(t), nil)
	mustOK(t, task, err)
	if _, listed := resources(t, s, "vm")["qemu/152"]; listed {
		t.Fatal("a destroyed guest is still listed; the vmlist changes at once")
	}
	_, task, err = template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 152, Name: "again"})
	mustOK(t, task, err)
	if e := resources(t, s, "vm")["qemu/152"]; e.Name == nil || *e.Name != "vm152" {
		t.Errorf("VMID taken again = %+v; want the old guest's name until the refresh", e)
	}
	s.RefreshStatus()
	if e := resources(t, s, "vm")["qemu/152"]; e.Name == nil || *e.Name != "again" {
		t.Errorf("VMID taken again after the refresh = %+v", e)
	}
}

func TestResourcesOfADeadNodeKeepTheirLastStatus(t *testing.T) {
	s := lagSim(t)
	if err := s.SetNodeDown("pve2", true); err != nil {
		t.Fatal(err)
	}
	s.RefreshStatus() // pve2 sends nothing
	rs := resources(t, s, "")
	if e := rs["node/pve2"]; e.Status != "offline" {
		t.Errorf("dead node = %+v", e)
	}
	if e := rs["qemu/9002"]; e.Status != "stopped" || e.Name == nil || e.Template == nil || *e.Template != 1 {
		t.Errorf("guest of a dead node = %+v; want its last status", e)
	}
	if e := rs["storage/pve2/local-lvm"]; e.Status != "available" {
		t.Errorf("storage of a dead node = %+v; want its last status", e)
	}
}

func TestResourcesOfADeadNodeExpireAfterFiveMinutes(t *testing.T) {
	s := newSim(t, nil) // 10 s refresh and 5 min expiry, scaled to 10 ms and 300 ms
	if err := s.SetNodeDown("pve2", true); err != nil {
		t.Fatal(err)
	}
	eventually(t, "pve2's entries to expire", func() bool {
		rs := resources(t, s, "")
		return rs["qemu/9002"].Status == "unknown" && rs["storage/pve2/local-lvm"].Status == "unknown"
	})
	if e := resources(t, s, "")["qemu/9002"]; e.Name != nil || e.Template != nil {
		t.Errorf("expired guest = %+v; want no name or template", e)
	}
	// pve1 keeps refreshing.
	if e := resources(t, s, "")["qemu/9000"]; e.Status != "stopped" {
		t.Errorf("guest of a live node = %+v", e)
	}
}

func TestResourcesRefreshOnTheirOwn(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 153)
	task, err := vm.Start(ctx(t))
	mustOK(t, task, err)
	eventually(t, "the started guest to be listed running", func() bool {
		return resources(t, s, "vm")["qemu/153"].Status == "running"
	})
}

func TestResourcesInstantStatusShowsChangesAtOnce(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.StatusRefresh = pvesim.InstantStatus })
	c := newClient(t, s)
	vm := clonedVM(t, c, 154)
	if e := resources(t, s, "vm")["qemu/154"]; e.Status != "stopped" || e.Name == nil || *e.Name != "vm154" {
		t.Errorf("new guest = %+v", e)
	}
	task, err := vm.Start(ctx(t))
	mustOK(t, task, err)
	if e := resources(t, s, "vm")["qemu/154"]; e.Status != "running" {
		t.Errorf("started guest = %+v", e)
	}
}

func TestResourcesListNetworkZonesInsteadOfSDN(t *testing.T) {
	s := newSim(t, nil)
	rs := resources(t, s, "")
	for _, node := range s.Nodes() {
		id := "network/" + node + "/zone/localnetwork"
		if e := rs[id]; e.Type != "network" || e.NetworkType != "zone" || e.Network != "localnetwork" || e.Node != node || e.Status != "ok" {
			t.Errorf("%s = %+v", id, e)
		}
	}
	for id, e := range rs {
		if e.Type == "sdn" {
			t.Errorf("sdn entry %s from a node that reports network entries", id)
		}
	}
	if sdn := resources(t, s, "sdn"); len(sdn) != 0 {
		t.Errorf("type=sdn = %v; want none", sdn)
	}
}

func TestNodesListTheStatusData(t *testing.T) {
	s := lagSim(t)
	c := newClient(t, s)
	vm := clonedVM(t, c, 155)
	memOf := func() uint64 {
		r := rawDo(t, s, "GET", "/nodes", "", "", nil)
		var w struct {
			Data []struct {
				Node string `json:"node"`
				Mem  uint64 `json:"mem"`
			}
		}
		if err := json.Unmarshal([]byte(r.body), &w); err != nil {
			t.Fatal(err)
		}
		for _, n := range w.Data {
			if n.Node == "pve1" {
				return n.Mem
			}
		}
		t.Fatal("pve1 not listed")
		return 0
	}
	s.RefreshStatus()
	before := memOf()
	task, err := vm.Start(ctx(t))
	mustOK(t, task, err)
	if got := memOf(); got != before {
		t.Errorf("node memory before the refresh = %d; want the old %d", got, before)
	}
	s.RefreshStatus()
	if got := memOf(); got <= before {
		t.Errorf("node memory after the refresh = %d; want more than %d", got, before)
	}
}

func TestPoolMembersShowTheStatusData(t *testing.T) {
	s := lagSim(t)
	c := newClient(t, s)
	_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 156, Name: "vm156", Pool: "labforge"})
	mustOK(t, task, err)
	member := func() map[string]any {
		r := rawDo(t, s, "GET", "/pools?poolid=labforge", "", "", nil)
		var w struct {
			Data []struct{ Members []map[string]any }
		}
		if err := json.Unmarshal([]byte(r.body), &w); err != nil || len(w.Data) != 1 {
			t.Fatalf("GET /pools?poolid=labforge: %s, %v", r.body, err)
		}
		for _, m := range w.Data[0].Members {
			if m["id"] == "qemu/156" {
				return m
			}
		}
		t.Fatalf("qemu/156 is not a member: %s", r.body)
		return nil
	}
	if m := member(); m["status"] != "unknown" || m["name"] != nil {
		t.Errorf("new member = %v; want status unknown without name", m)
	}
	s.RefreshStatus()
	if m := member(); m["status"] != "stopped" || m["name"] != "vm156" {
		t.Errorf("member after the refresh = %v", m)
	}
}

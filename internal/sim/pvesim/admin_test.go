package pvesim_test

import (
	"net/http"
	"strings"
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestAdminLeaseAndTaskFaults checks PUT /_sim/leases without a bridge
// (the bridge whose subnet holds the address) and per-type task faults
// set through PUT /_sim/faults.
func TestAdminLeaseAndTaskFaults(t *testing.T) {
	s := newSim(t, nil)
	put := func(path, body string) int {
		req, _ := http.NewRequest(http.MethodPut, s.URL()+path, strings.NewReader(body))
		res, err := rawClient(s).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	const mac = "BC:24:11:AA:BB:70"
	if code := put("/_sim/leases", `{"mac":"`+mac+`","ip":"10.10.0.61"}`); code != 200 {
		t.Fatalf("PUT lease: %d", code)
	}
	if code := put("/_sim/leases", `{"mac":"`+mac+`","ip":"192.0.2.1"}`); code != 400 {
		t.Errorf("PUT lease outside every bridge: %d", code)
	}
	if code := put("/_sim/faults", `{"task_failure_rates":{"vzstart":2}}`); code != 400 {
		t.Errorf("PUT an invalid task failure rate: %d", code)
	}
	if code := put("/_sim/faults", `{"task_failure_rates":{"vzstart":1}}`); code != 200 || s.Faults().TaskFailureRates["vzstart"] != 1 {
		t.Errorf("PUT task failure rates: %d, %+v", code, s.Faults())
	}

	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	task, err := n.NewContainer(cx, 670, proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate},
		proxmox.ContainerOption{Name: "storage", Value: "local-lvm"}, proxmox.ContainerOption{Name: "start", Value: 1},
		proxmox.ContainerOption{Name: "net0", Value: "name=eth0,bridge=vmbr0,hwaddr=" + mac + ",ip=dhcp"})
	mustOK(t, task, err)
	if tk := waitSimTask(t, s, "vzstart", 670); tk.ExitStatus == "OK" {
		t.Error("vzstart succeeded despite task_failure_rates")
	}
	if err := s.SetFaults(pvesim.Faults{}); err != nil {
		t.Fatal(err)
	}
	ct, _ := n.Container(cx, 670)
	task, err = ct.Start(cx)
	mustOK(t, task, err)
	eventually(t, "CT 670's lease", func() bool {
		ifaces, err := ct.Interfaces(cx)
		return err == nil && len(ifaces) == 2 && ifaces[1].Inet == "10.10.0.61/24"
	})
}

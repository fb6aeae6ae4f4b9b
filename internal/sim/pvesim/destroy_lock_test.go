package pvesim_test

import (
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestContainerDestroyLockedFailsAtOnce checks that pct's destroy refuses a
// locked container before forking a task, with check_lock's message.
func TestContainerDestroyLockedFailsAtOnce(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.CreateCT = 500 * time.Second }) // 500 ms, to see the lock
	c := newClient(t, s)
	cx := ctx(t)
	n, _ := c.Node(cx, "pve1")
	task, err := n.NewContainer(cx, 650, proxmox.ContainerOption{Name: "ostemplate", Value: debianTemplate},
		proxmox.ContainerOption{Name: "storage", Value: "local-lvm"})
	if err != nil {
		t.Fatal(err)
	}
	r := rawDo(t, s, "DELETE", "/nodes/pve1/lxc/650", "", "", nil)
	if r.status != 500 || r.reason != "CT is locked (create)" {
		t.Errorf("DELETE of a locked CT = %d %q", r.status, r.reason)
	}
	for _, tk := range s.Tasks() {
		if tk.Type == "vzdestroy" {
			t.Errorf("a vzdestroy task ran: %+v", tk)
		}
	}
	mustOK(t, task, nil)
	ct, _ := n.Container(cx, 650)
	task, err = ct.Delete(cx, nil)
	mustOK(t, task, err)
}

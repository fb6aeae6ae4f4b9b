package domain_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

func TestPlaceVM(t *testing.T) {
	const gib = int64(1) << 30
	node := func(name string, status domain.NodeStatus, freeGiB int64, storages ...string) domain.NodeLoad {
		return domain.NodeLoad{Node: domain.Node{ID: uuid.NewSHA1(uuid.Nil, []byte(name)), Name: name, Status: status,
			MaxMemoryBytes: 64 * gib, UsedMemoryBytes: 64*gib - freeGiB*gib, Storages: storages}}
	}
	pve1 := node("pve1", domain.NodeOnline, 10, "local-lvm")
	pve2 := node("pve2", domain.NodeOnline, 20, "local-lvm")
	pve3 := node("pve3", domain.NodeOnline, 30, "ceph")
	down := node("pve4", domain.NodeOffline, 60, "local-lvm")
	busy := pve3
	busy.ProvisioningBytes = 25 * gib // 5 GiB left
	tpl := domain.VMTemplate{NodeID: pve1.Node.ID, Cluster: "lab", VMID: 9000, MemoryMB: 2048, Storage: "local-lvm"}
	onDown := tpl
	onDown.NodeID = down.Node.ID
	placed := func(vm domain.VM, n domain.NodeLoad, st domain.GuestState) domain.VM {
		vm.NodeID, vm.State = &n.Node.ID, st
		return vm
	}
	full := domain.VM{Name: "full", MemoryMB: 4096}
	linked := domain.VM{Name: "linked", Linked: true}
	huge := domain.VM{Name: "huge", MemoryMB: 40 << 10}

	for _, tc := range []struct {
		name        string
		vm          domain.VM
		tpl         domain.VMTemplate
		nodes       []domain.NodeLoad
		want        string // target node; "" for an error
		wantStorage string
		wantKind    domain.Kind
		noCapacity  bool
	}{
		{name: "full clone: most free memory", vm: full, tpl: tpl, nodes: []domain.NodeLoad{pve1, pve2, pve3}, want: "pve3", wantStorage: "ceph"},
		{name: "full clone: provisioning VMs count", vm: full, tpl: tpl, nodes: []domain.NodeLoad{pve1, pve2, busy}, want: "pve2", wantStorage: "local-lvm"},
		{name: "full clone: offline nodes are skipped", vm: full, tpl: tpl, nodes: []domain.NodeLoad{pve1, pve2, down}, want: "pve2", wantStorage: "local-lvm"},
		{name: "full clone: tie goes to the template's node", vm: full, tpl: tpl,
			nodes: []domain.NodeLoad{node("pve0", domain.NodeOnline, 10, "local-lvm"), pve1}, want: "pve1", wantStorage: "local-lvm"},
		{name: "full clone: template's memory when the VM names none", vm: domain.VM{Name: "x"}, tpl: domain.VMTemplate{NodeID: pve1.Node.ID, Cluster: "lab", MemoryMB: 15 << 10, Storage: "local-lvm"},
			nodes: []domain.NodeLoad{pve1, pve2}, want: "pve2", wantStorage: "local-lvm"},
		{name: "full clone: no room anywhere", vm: huge, tpl: tpl, nodes: []domain.NodeLoad{pve1, pve2, pve3}, wantKind: domain.KindUnavailable, noCapacity: true},
		{name: "linked clone: the template's node", vm: linked, tpl: tpl, nodes: []domain.NodeLoad{pve1, pve2, pve3}, want: "pve1", wantStorage: "local-lvm"},
		{name: "linked clone: template node offline", vm: linked, tpl: onDown, nodes: []domain.NodeLoad{pve1, down}, wantKind: domain.KindUnavailable, noCapacity: true},
		{name: "already placed: keeps its node", vm: placed(full, pve2, domain.GuestProvisioning), tpl: tpl, nodes: []domain.NodeLoad{pve1, pve2, pve3}, want: "pve2", wantStorage: "local-lvm"},
		{name: "ready and re-cloned: keeps its node", vm: placed(huge, pve1, domain.GuestReady), tpl: tpl, nodes: []domain.NodeLoad{pve1, pve2}, want: "pve1", wantStorage: "local-lvm"},
		{name: "failed domain.VM is placed afresh", vm: placed(full, pve1, domain.GuestFailed), tpl: tpl, nodes: []domain.NodeLoad{pve1, pve2}, want: "pve2", wantStorage: "local-lvm"},
		{name: "placed on a node no longer registered", vm: placed(full, down, domain.GuestProvisioning), tpl: tpl, nodes: []domain.NodeLoad{pve1}, wantKind: domain.KindNotFound},
		{name: "template's node not registered", vm: full, tpl: tpl, nodes: []domain.NodeLoad{pve2}, wantKind: domain.KindNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := domain.PlaceVM(domain.PlacementRequest{VM: tc.vm, Template: tc.tpl, Nodes: tc.nodes})
			if tc.want == "" {
				if err == nil {
					t.Fatalf("placed on %s, want an error of kind %s", p.Target.Name, tc.wantKind)
				}
				if domain.KindOf(err) != tc.wantKind || errors.Is(err, domain.ErrNoCapacity) != tc.noCapacity {
					t.Fatalf("error %q: kind %s (want %s), no capacity %v (want %v)", err, domain.KindOf(err), tc.wantKind,
						errors.Is(err, domain.ErrNoCapacity), tc.noCapacity)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Target.Name != tc.want || p.Storage != tc.wantStorage {
				t.Fatalf("placed on %s storage %s, want %s storage %s", p.Target.Name, p.Storage, tc.want, tc.wantStorage)
			}
			if p.Source.ID != tc.tpl.NodeID {
				t.Fatalf("source %s, want the template's node", p.Source.Name)
			}
		})
	}
}

// A template's copies on other nodes spread linked clones over the nodes
// holding one, and give full clones a source on their target node.
func TestPlaceVMUsesTheTemplatesCopies(t *testing.T) {
	const gib = int64(1) << 30
	node := func(name string, status domain.NodeStatus, freeGiB int64) domain.NodeLoad {
		return domain.NodeLoad{Node: domain.Node{ID: uuid.NewSHA1(uuid.Nil, []byte(name)), Name: name, Status: status,
			MaxMemoryBytes: 64 * gib, UsedMemoryBytes: 64*gib - freeGiB*gib, Storages: []string{"lvm-" + name}}}
	}
	pve1, pve2, pve3 := node("pve1", domain.NodeOnline, 10), node("pve2", domain.NodeOnline, 30), node("pve3", domain.NodeOnline, 20)
	copyOn := func(n domain.NodeLoad, vmid int) domain.VMTemplate {
		return domain.VMTemplate{ID: uuid.New(), NodeID: n.Node.ID, Cluster: "lab", VMID: vmid, Name: "debian", MemoryMB: 2048,
			Storage: "lvm-" + n.Node.Name}
	}
	tpl, on2, on3 := copyOn(pve1, 9000), copyOn(pve2, 9001), copyOn(pve3, 9002)
	nodes := []domain.NodeLoad{pve1, pve2, pve3}
	for _, tc := range []struct {
		name   string
		vm     domain.VM
		copies []domain.VMTemplate
		nodes  []domain.NodeLoad
		want   domain.VMTemplate // the copy cloned from
		target string            // the target node, when not the copy's
		noRoom bool
	}{
		{name: "linked: the roomiest node holding a copy", vm: domain.VM{Linked: true}, copies: []domain.VMTemplate{on2, on3}, nodes: nodes, want: on2},
		{name: "linked: only nodes holding a copy", vm: domain.VM{Linked: true}, copies: []domain.VMTemplate{on3}, nodes: nodes, want: on3},
		{name: "linked: an offline holder is skipped", vm: domain.VM{Linked: true}, copies: []domain.VMTemplate{on2},
			nodes: []domain.NodeLoad{node("pve1", domain.NodeOffline, 60), pve2}, want: on2},
		{name: "linked: no holder has room", vm: domain.VM{Linked: true, MemoryMB: 40 << 10}, copies: []domain.VMTemplate{on2, on3},
			nodes: nodes, noRoom: true},
		{name: "full: from the copy on the target", vm: domain.VM{MemoryMB: 1024}, copies: []domain.VMTemplate{on2}, nodes: nodes, want: on2},
		{name: "full: from the template when the target has no copy", vm: domain.VM{MemoryMB: 1024}, copies: []domain.VMTemplate{on3},
			nodes: nodes, want: tpl, target: "pve2"},
		{name: "placed: keeps its node and clones from the copy there", vm: domain.VM{Linked: true, NodeID: &pve3.Node.ID,
			State: domain.GuestReady}, copies: []domain.VMTemplate{on2, on3}, nodes: nodes, want: on3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := domain.PlaceVM(domain.PlacementRequest{VM: tc.vm, Template: tpl, Copies: tc.copies, Nodes: tc.nodes})
			if tc.noRoom {
				if !errors.Is(err, domain.ErrNoCapacity) {
					t.Fatalf("placed on %v (error %v), want no capacity", p.Target.Name, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			source := ""
			for _, n := range tc.nodes {
				if n.Node.ID == tc.want.NodeID {
					source = n.Node.Name
				}
			}
			target := tc.target
			if target == "" {
				target = source
			}
			if p.Template.ID != tc.want.ID || p.Source.Name != source || p.Target.Name != target {
				t.Fatalf("cloned VMID %d from %s onto %s, want VMID %d from %s onto %s", p.Template.VMID, p.Source.Name,
					p.Target.Name, tc.want.VMID, source, target)
			}
			if tc.vm.Linked && p.Storage != tc.want.Storage {
				t.Fatalf("linked clone on storage %s, want the copy's %s", p.Storage, tc.want.Storage)
			}
		})
	}
}

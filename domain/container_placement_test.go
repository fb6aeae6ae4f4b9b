package domain_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

func TestPlaceContainer(t *testing.T) {
	const gib = int64(1) << 30
	node := func(name string, status domain.NodeStatus, freeGiB int64) domain.NodeLoad {
		return domain.NodeLoad{Node: domain.Node{ID: uuid.NewSHA1(uuid.Nil, []byte(name)), Name: name, Status: status,
			MaxMemoryBytes: 64 * gib, UsedMemoryBytes: 64*gib - freeGiB*gib}}
	}
	pve1 := node("pve1", domain.NodeOnline, 10)
	pve2 := node("pve2", domain.NodeOnline, 20)
	pve3 := node("pve3", domain.NodeOnline, 30)
	down := node("pve4", domain.NodeOffline, 60)
	unknown := node("pve5", domain.NodeUnknown, 60)
	busy := pve3
	busy.ProvisioningBytes = 25 * gib // 5 GiB left
	twin := node("pve0", domain.NodeOnline, 20)
	ct := domain.Container{Hostname: "web", MemoryMB: 4096}
	huge := domain.Container{Hostname: "huge", MemoryMB: 40 << 10}
	placed := func(c domain.Container, n domain.NodeLoad) domain.Container {
		c.NodeID = &n.Node.ID
		return c
	}

	for _, tc := range []struct {
		name       string
		ct         domain.Container
		nodes      []domain.NodeLoad
		want       string // node name; "" for an error
		wantKind   domain.Kind
		noCapacity bool
	}{
		{name: "most free memory", ct: ct, nodes: []domain.NodeLoad{pve1, pve2, pve3}, want: "pve3"},
		{name: "guests being provisioned count", ct: ct, nodes: []domain.NodeLoad{pve1, pve2, busy}, want: "pve2"},
		{name: "offline and unknown nodes are skipped", ct: ct, nodes: []domain.NodeLoad{pve1, down, unknown}, want: "pve1"},
		{name: "a tie goes to the lowest name", ct: ct, nodes: []domain.NodeLoad{pve2, twin}, want: "pve0"},
		{name: "exactly enough room fits", ct: domain.Container{Hostname: "x", MemoryMB: 10 << 10}, nodes: []domain.NodeLoad{pve1}, want: "pve1"},
		{name: "no room anywhere", ct: huge, nodes: []domain.NodeLoad{pve1, pve2, pve3, down}, wantKind: domain.KindUnavailable, noCapacity: true},
		{name: "no node in the site", ct: ct, wantKind: domain.KindUnavailable, noCapacity: true},
		{name: "already placed: keeps its node", ct: placed(huge, pve1), nodes: []domain.NodeLoad{pve1, pve2, pve3}, want: "pve1"},
		{name: "placed on a node no longer registered", ct: placed(ct, down), nodes: []domain.NodeLoad{pve1}, wantKind: domain.KindNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := domain.PlaceContainer(domain.ContainerPlacementRequest{Container: tc.ct, Nodes: tc.nodes})
			if tc.want == "" {
				if err == nil {
					t.Fatalf("placed on %s, want an error of kind %s", p.Node.Name, tc.wantKind)
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
			if p.Node.Name != tc.want {
				t.Fatalf("placed on %s, want %s", p.Node.Name, tc.want)
			}
			if p.Container.Hostname != tc.ct.Hostname {
				t.Fatalf("placement carries container %s, want %s", p.Container.Hostname, tc.ct.Hostname)
			}
		})
	}
}

package pvesim

import (
	"net/netip"
	"testing"
)

// TestLeaseDerivedFromMAC checks that an unreserved MAC's address depends
// on the MAC, not on the order MACs ask in, stays inside the pool and
// never repeats.
func TestLeaseDerivedFromMAC(t *testing.T) {
	newB := func() *bridge {
		b, err := newBridge(SeedBridge{Name: "vmbr0", CIDR: "10.10.0.0/24", Gateway: "10.10.0.1", PoolStart: "10.10.0.100", PoolEnd: "10.10.0.110"})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	macs := []string{"BC:24:11:00:00:01", "BC:24:11:00:00:02", "BC:24:11:00:00:03"}
	forward, backward := newB(), newB()
	for i := range macs {
		forward.lease(macs[i])
		backward.lease(macs[len(macs)-1-i])
	}
	lo, hi := netip.MustParseAddr("10.10.0.100"), netip.MustParseAddr("10.10.0.110")
	seen := map[netip.Addr]bool{}
	for _, mac := range macs {
		a, _ := forward.lease(mac)
		b, _ := backward.lease(mac)
		if a != b || a.Less(lo) || hi.Less(a) || seen[a] {
			t.Errorf("%s: %s asked first-to-last, %s last-to-first", mac, a, b)
		}
		seen[a] = true
	}
	// A full pool hands out nothing more.
	full := newB()
	for i := 0; i < 11; i++ {
		if _, ok := full.lease("BC:24:11:00:01:" + string(rune('A'+i)) + "0"); !ok {
			t.Fatalf("pool full after %d leases", i)
		}
	}
	if ip, ok := full.lease("BC:24:11:00:02:00"); ok {
		t.Errorf("12th lease in an 11-address pool: %s", ip)
	}
}

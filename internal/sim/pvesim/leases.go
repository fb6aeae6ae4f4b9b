package pvesim

import (
	"encoding/binary"
	"hash/fnv"
	"net/netip"
)

// lease returns the address the bridge's DHCP server gives mac: its
// reservation (see Server.SetLease), else an address derived from the MAC
// alone — the pool address at the MAC's hash modulo the pool size, or the
// next free one after it — kept for the MAC from then on. A MAC so gets the
// same address whatever order guests ask in, unless addresses collide.
func (b *bridge) lease(mac string) (netip.Addr, bool) {
	if ip, ok := b.leases[mac]; ok {
		return ip, true
	}
	first, n := b.pool4()
	h := fnv.New32a()
	h.Write([]byte(mac))
	off := h.Sum32()
	for i := uint32(0); i < n; i++ {
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], first+(off+i)%n)
		ip := netip.AddrFrom4(a)
		if _, used := b.taken[ip]; used {
			continue
		}
		b.pin(mac, ip)
		return ip, true
	}
	return netip.Addr{}, false
}

// pool4 returns the first address of the bridge's IPv4 DHCP pool and its
// size: pool_start to pool_end, by default the subnet's hosts.
func (b *bridge) pool4() (first, n uint32) {
	if !b.prefix.Addr().Is4() || !b.start.Is4() {
		return 0, 0
	}
	s4 := b.start.As4()
	first = binary.BigEndian.Uint32(s4[:])
	p4 := b.prefix.Addr().As4()
	last := binary.BigEndian.Uint32(p4[:]) | (1<<(32-b.prefix.Bits()) - 1)
	if b.prefix.Bits() < 31 {
		last-- // the broadcast address
	}
	if b.end.Is4() {
		e4 := b.end.As4()
		last = min(last, binary.BigEndian.Uint32(e4[:]))
	}
	if last < first {
		return 0, 0
	}
	return first, last - first + 1
}

// pin fixes mac's lease to ip, replacing any earlier lease of either.
func (b *bridge) pin(mac string, ip netip.Addr) {
	if old, ok := b.leases[mac]; ok {
		delete(b.taken, old)
	}
	if other, ok := b.taken[ip]; ok {
		delete(b.leases, other)
	}
	b.leases[mac] = ip
	b.taken[ip] = mac
}

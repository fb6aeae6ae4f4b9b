package pvesim

import (
	"sync"
	"time"
)

// Proxmox's status data, as cluster/resources and GET /nodes see it.
//
// Which guests exist, on which node and of which type is the cluster
// file system's vmlist, and their lock and tags are read from their config
// files: all of that changes the moment a config file does. Everything
// else a guest, node or storage entry reports (guest name, status,
// template, cpu and memory figures, uptime; node and storage usage) is the
// node's pvestatd status data, which each node broadcasts every 10 s
// (PVE::Service::pvestatd, $updatetime) and pmxcfs keeps in its rrd table
// (status.c). So on a real cluster:
//
//   - a guest created a moment ago is listed with status "unknown" and
//     without name, template or figures until its node's next update;
//   - a start, stop or pause shows the old status for up to one interval
//     (a paused QEMU guest reports its QMP status, "paused");
//   - the guests and storages of a node that died keep their last figures
//     until pmxcfs drops entries older than 5 minutes (rrd_entry_is_old),
//     then read "unknown";
//   - a VMID that is destroyed and taken again shows the old guest's
//     figures until the new guest's first update (the table is keyed by
//     VMID);
//   - pmxcfs and PVE::Cluster::rrd_dump each serve the same dump for 2 s.
//
// pvestatd models that table: every node updates its entries at its own
// phase of the interval, and readers see a dump refreshed at most every
// 2 s. With Config.StatusRefresh negative (InstantStatus) readers see the
// state itself, as before the lag was modelled.

// DefaultStatusRefresh is pvestatd's update interval ($updatetime).
const DefaultStatusRefresh = 10 * time.Second

// InstantStatus, as Config.StatusRefresh, turns the status lag off:
// cluster/resources and GET /nodes reflect every change at once.
const InstantStatus time.Duration = -1

// minStatusInterval bounds how often, in real time, a node updates its
// status data however small the time scale, so that a large seed at a
// benchmark's scale does not spend the machine on updates.
const minStatusInterval = 5 * time.Millisecond

// rrdExpiry is how long pmxcfs keeps an entry its node stopped updating
// (status.c, rrd_entry_is_old).
const rrdExpiry = 5 * time.Minute

// rrdDumpTTL is how long cfs_rrd_dump (and PVE::Cluster::rrd_dump in each
// API worker) hands out the same dump.
const rrdDumpTTL = 2 * time.Second

// guestStat is what pvestatd broadcast for a guest (pve-vm-9.0/<vmid>),
// the fields PVE::API2Tools::extract_vm_stats reads.
type guestStat struct {
	at       time.Time
	name     string
	status   string // running, stopped, paused (QMP status)
	template bool
	uptime   int64
	cpus     int
	cpu      float64
	maxmem   uint64
	mem      uint64
	maxdisk  uint64
	disk     uint64
}

// nodeStat is a node's pve-node-9.0 entry, as extract_node_stats reads it.
type nodeStat struct {
	at      time.Time
	uptime  int64
	cpu     float64
	mem     uint64
	maxcpu  int
	maxmem  uint64
	disk    uint64
	maxdisk uint64
}

// storageStat is a storage's pve-storage-9.0/<node>/<id> entry.
type storageStat struct {
	at    time.Time
	total uint64
	used  uint64
}

// rrdDump is one dump of the table; it is never changed once made.
type rrdDump struct {
	guests   map[int]*guestStat
	nodes    map[string]*nodeStat
	storages map[string]*storageStat // by node + "/" + storage ID
}

// pvestatd is the status table and its update schedule.
type pvestatd struct {
	interval time.Duration // scaled; 0 means instant
	expiry   time.Duration // scaled rrdExpiry
	dumpTTL  time.Duration // scaled rrdDumpTTL

	mu     sync.Mutex
	table  rrdDump
	dump   *rrdDump
	dumpAt time.Time
}

// newPvestatd returns the table for refresh (unscaled; 0 means
// DefaultStatusRefresh, negative InstantStatus) at the given time scale.
func newPvestatd(refresh time.Duration, scale float64) *pvestatd {
	p := &pvestatd{table: rrdDump{guests: map[int]*guestStat{}, nodes: map[string]*nodeStat{}, storages: map[string]*storageStat{}}}
	if refresh == 0 {
		refresh = DefaultStatusRefresh
	}
	if refresh < 0 {
		return p
	}
	sc := func(d time.Duration) time.Duration { return max(time.Duration(float64(d)*scale), time.Nanosecond) }
	p.interval, p.expiry, p.dumpTTL = max(sc(refresh), minStatusInterval), sc(rrdExpiry), sc(rrdDumpTTL)
	return p
}

// instant reports whether readers see the state itself.
func (p *pvestatd) instant() bool { return p.interval == 0 }

// startStatusUpdates starts one pvestatd loop per node, each at its own
// phase of the interval, until the server closes. (NewServer recorded
// every reachable node's status once: a real cluster has been running for
// a while.)
func (s *Server) startStatusUpdates() {
	if s.status.instant() {
		return
	}
	s.mu.RLock()
	nodes := append([]string(nil), s.st.nodeOrder...)
	s.mu.RUnlock()
	for i, name := range nodes {
		phase := s.status.interval * time.Duration(i+1) / time.Duration(len(nodes))
		s.tasksWG.Add(1)
		go func() {
			defer s.tasksWG.Done()
			timer := time.NewTimer(phase)
			defer timer.Stop()
			for {
				select {
				case <-s.ctx.Done():
					return
				case <-timer.C:
				}
				s.updateNodeStatus(name, time.Now())
				timer.Reset(s.status.interval)
			}
		}()
	}
}

// RefreshStatus makes every reachable node update its status data now and
// drops the cached dump, so the next cluster/resources shows the current
// state (figures of unreachable nodes stay as they were). Tests use it to
// end a lag without waiting; with InstantStatus it does nothing.
func (s *Server) RefreshStatus() {
	if s.status.instant() {
		return
	}
	now := time.Now()
	s.mu.RLock()
	nodes := append([]string(nil), s.st.nodeOrder...)
	s.mu.RUnlock()
	for _, name := range nodes {
		s.updateNodeStatus(name, now)
	}
	s.status.mu.Lock()
	s.status.dump = nil
	s.status.mu.Unlock()
}

// updateNodeStatus is one pvestatd cycle of a node: its guests, its own
// figures and its storages. An unreachable node updates nothing.
func (s *Server) updateNodeStatus(name string, now time.Time) {
	s.mu.RLock()
	n := s.st.nodes[name]
	if n == nil || n.unreachable() {
		s.mu.RUnlock()
		return
	}
	var guests []*guestStat
	var vmids []int
	for vmid, g := range s.st.guests {
		if g.node == name {
			guests = append(guests, s.guestStatOf(g, now))
			vmids = append(vmids, vmid)
		}
	}
	ns := s.nodeStatOf(n, s.st.nodeUsage(name), now)
	storages := map[string]*storageStat{}
	for _, id := range n.storages {
		if st := s.st.storageOn(name, id); st != nil {
			storages[name+"/"+id] = &storageStat{at: now, total: st.total, used: st.used}
		}
	}
	s.mu.RUnlock()

	// A scheduled update and RefreshStatus may race: the one taken later
	// wins, whichever writes last.
	p := s.status
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, vmid := range vmids {
		if old := p.table.guests[vmid]; old == nil || !old.at.After(now) {
			p.table.guests[vmid] = guests[i]
		}
	}
	if old := p.table.nodes[name]; old == nil || !old.at.After(now) {
		p.table.nodes[name] = ns
	}
	for k, v := range storages {
		if old := p.table.storages[k]; old == nil || !old.at.After(now) {
			p.table.storages[k] = v
		}
	}
}

// currentDump returns the dump readers see at now: the cached one while
// it is younger than rrdDumpTTL, else a fresh one without the entries
// older than rrdExpiry (which are dropped from the table too).
func (p *pvestatd) currentDump(now time.Time) *rrdDump {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dump != nil && now.Sub(p.dumpAt) < p.dumpTTL {
		return p.dump
	}
	d := &rrdDump{
		guests:   make(map[int]*guestStat, len(p.table.guests)),
		nodes:    make(map[string]*nodeStat, len(p.table.nodes)),
		storages: make(map[string]*storageStat, len(p.table.storages)),
	}
	old := func(at time.Time) bool { return now.Sub(at) > p.expiry }
	for k, v := range p.table.guests {
		if old(v.at) {
			delete(p.table.guests, k)
			continue
		}
		d.guests[k] = v
	}
	for k, v := range p.table.nodes {
		if old(v.at) {
			delete(p.table.nodes, k)
			continue
		}
		d.nodes[k] = v
	}
	for k, v := range p.table.storages {
		if old(v.at) {
			delete(p.table.storages, k)
			continue
		}
		d.storages[k] = v
	}
	p.dump, p.dumpAt = d, now
	return d
}

// statusView answers what the status data says of guests, nodes and
// storages for one request. The caller holds Server.mu for reading.
type statusView struct {
	s    *Server
	now  time.Time
	dump *rrdDump // nil: the state itself (InstantStatus)
	live map[string]*nodeUsage
}

// statusAt returns the view of a request made at now.
func (s *Server) statusAt(now time.Time) statusView {
	if s.status.instant() {
		return statusView{s: s, now: now}
	}
	return statusView{s: s, now: now, dump: s.status.currentDump(now)}
}

// guest returns the status data of the guest's VMID, or nil when there is
// none (extract_vm_stats then reports status "unknown" and nothing else).
func (v *statusView) guest(g *guest) *guestStat {
	if v.dump != nil {
		return v.dump.guests[g.vmid]
	}
	gs := v.s.guestStatOf(g, v.now)
	if v.s.st.nodes[g.node].unreachable() {
		gs.status = "unknown"
	}
	return gs
}

// node returns the node's status data, or nil when there is none.
func (v *statusView) node(n *node) *nodeStat {
	if v.dump != nil {
		return v.dump.nodes[n.name]
	}
	if v.live == nil {
		v.live = v.s.st.usageByNode()
	}
	return v.s.nodeStatOf(n, v.live[n.name], v.now)
}

// storage returns the status data of a storage as nodeName sees it, or nil.
func (v *statusView) storage(nodeName string, st *storage) *storageStat {
	if v.dump != nil {
		return v.dump.storages[nodeName+"/"+st.id]
	}
	if v.s.st.nodes[nodeName].unreachable() {
		return nil
	}
	return &storageStat{at: v.now, total: st.total, used: st.used}
}

// guestStatOf is what pvestatd would broadcast for g at now
// (update_qemu_status, update_lxc_status). The caller holds Server.mu.
func (s *Server) guestStatOf(g *guest, now time.Time) *guestStat {
	f := s.st.figures(g)
	gs := &guestStat{at: now, name: g.name(), status: g.status, template: g.isTemplate(),
		cpus: f.cpus, maxmem: f.maxmem, maxdisk: f.maxdisk, mem: guestMemOf(g, f.maxmem)}
	if g.status == "running" {
		gs.cpu, gs.uptime = 0.01, int64(now.Sub(g.startedAt).Seconds())
		if g.kind == kindLXC {
			gs.disk = f.maxdisk / 8
		}
		// QEMU reports its QMP status: a paused VM is "paused".
		if g.kind == kindQEMU && g.paused {
			gs.status = "paused"
		}
	}
	return gs
}

// nodeStatOf is a node's pvestatd figures (update_node_status).
func (s *Server) nodeStatOf(n *node, u *nodeUsage, now time.Time) *nodeStat {
	ns := &nodeStat{at: now, uptime: int64(now.Sub(n.bootTime).Seconds()), maxcpu: n.cpus, maxmem: n.memory,
		disk: 12 << 30, maxdisk: 100 << 30}
	if u != nil {
		ns.cpu, ns.mem = u.cpu, u.mem
	}
	return ns
}

// nodeUsage is one node's usage, as usageByNode computes it for all.
func (st *state) nodeUsage(name string) *nodeUsage {
	n := st.nodes[name]
	u := &nodeUsage{mem: n.memory / 32, cpu: 0.01}
	for _, g := range st.guests {
		if g.node == name && g.status == "running" {
			u.mem += g.maxmem()
			u.cpu += 0.02 * float64(g.cpus()) / float64(max(n.cpus, 1))
		}
	}
	u.cpu = min(u.cpu, 1)
	return u
}

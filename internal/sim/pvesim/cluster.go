package pvesim

import (
	"strconv"
	"time"
)

// getVersion serves GET /version.
func (s *Server) getVersion(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := s.st.version
	return map[string]any{"release": v.Release, "version": v.Version, "repoid": v.RepoID, "console": "html5"}, nil
}

// getNodeVersion serves GET /nodes/{node}/version.
func (s *Server) getNodeVersion(c *call) (any, error) { return s.getVersion(c) }

// getClusterStatus serves GET /cluster/status: the cluster entry, then one
// entry per node with 0/1 integers for online, local and quorate.
func (s *Server) getClusterStatus(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	online := 0
	for _, n := range s.st.nodes {
		if !n.unreachable() {
			online++
		}
	}
	quorate := 0
	if online*2 > len(s.st.nodes) {
		quorate = 1
	}
	out := []map[string]any{{
		"type": "cluster", "id": "cluster", "name": s.st.cluster, "nodes": len(s.st.nodes),
		"quorate": quorate, "version": len(s.st.nodes) + 1,
	}}
	for i, name := range s.st.nodeOrder {
		n := s.st.nodes[name]
		on := 1
		if n.unreachable() {
			on = 0
		}
		local := 0
		if i == 0 {
			local = 1
		}
		out = append(out, map[string]any{
			"type": "node", "id": "node/" + name, "name": name, "ip": n.ip, "level": "",
			"local": local, "nodeid": n.nodeID, "online": on,
		})
	}
	return out, nil
}

// nodeUsage is a node's aggregate usage from its running guests.
type nodeUsage struct {
	mem uint64
	cpu float64
}

// usageByNode sums running guests per node in one pass.
func (st *state) usageByNode() map[string]*nodeUsage {
	u := make(map[string]*nodeUsage, len(st.nodes))
	for name, n := range st.nodes {
		u[name] = &nodeUsage{mem: n.memory / 32, cpu: 0.01}
	}
	for _, g := range st.guests {
		if g.status != "running" {
			continue
		}
		if nu := u[g.node]; nu != nil {
			nu.mem += g.maxmem()
			nu.cpu += 0.02 * float64(g.cpus()) / float64(max(st.nodes[g.node].cpus, 1))
		}
	}
	for _, nu := range u {
		nu.cpu = min(nu.cpu, 1)
	}
	return u
}

// getClusterResources serves GET /cluster/resources with the optional type
// filter (vm, storage, node, sdn), in Proxmox's order: pools, guests,
// nodes, storages, then (unfiltered only) the network entries, as
// PVE::API2::Cluster's resources does. Which guests exist comes from the
// vmlist and their lock, tags and pool from their configs, at once;
// everything else from the status data (statusView), which lags.
func (s *Server) getClusterResources(c *call) (any, error) {
	filter := c.str("type")
	now := time.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	view := s.statusAt(now)
	o := jsonObj{b: make([]byte, 0, 512*(len(st.guests)+16))}
	o.b = append(o.b, '[')
	n := 0
	sep := func() {
		if n > 0 {
			o.b = append(o.b, ',')
		}
		n++
	}
	vmids := st.sortedVMIDs()
	stats := make([]*guestStat, len(vmids))
	if filter == "" || filter == "vm" {
		for i, vmid := range vmids {
			stats[i] = view.guest(st.guests[vmid])
		}
	}
	if filter == "" {
		// A pool adds up its running members' entries.
		sums := map[string]*poolSum{}
		for i, vmid := range vmids {
			if g, gs := st.guests[vmid], stats[i]; g.pool != "" && gs != nil && gs.uptime > 0 {
				sums[g.pool] = sums[g.pool].add(gs)
			}
		}
		for _, id := range st.sortedPoolIDs() {
			sep()
			appendPoolResource(&o, id, sums[id])
		}
	}
	if filter == "" || filter == "vm" {
		for i, vmid := range vmids {
			sep()
			s.appendGuestResource(&o, st.guests[vmid], stats[i])
		}
	}
	if filter == "" || filter == "node" {
		for _, name := range st.nodeOrder {
			sep()
			nd := st.nodes[name]
			appendNodeResource(&o, nd, view.node(nd))
		}
	}
	if filter == "" || filter == "storage" {
		for _, name := range st.nodeOrder {
			for _, id := range st.nodes[name].storages {
				sep()
				sto := st.storageOn(name, id)
				appendStorageResource(&o, name, sto, view.storage(name, sto))
			}
		}
	}
	// PVE 9.1 nodes report their zones as "network" entries, so the sdn
	// entries of those nodes are skipped and type=sdn finds none; the
	// built-in localnetwork zone is listed for every cluster member.
	if filter == "" {
		for _, name := range st.nodeOrder {
			sep()
			o.begin()
			o.str("id", "network/"+name+"/zone/localnetwork")
			o.str("type", "network")
			o.str("network-type", "zone")
			o.str("network", "localnetwork")
			o.str("node", name)
			o.str("status", "ok")
			o.end()
		}
	}
	o.b = append(o.b, ']')
	return rawJSON(o.b), nil
}

// poolSum adds up the entries of a pool's running members.
type poolSum struct {
	uptime      int64
	mem, maxmem uint64
	cpu         float64
	maxcpu      int
}

// add returns p (or a new sum) with gs added, as Cluster.pm's resources
// does: the longest uptime, summed memory and CPUs, CPU use weighted by CPUs.
func (p *poolSum) add(gs *guestStat) *poolSum {
	if p == nil {
		p = &poolSum{}
	}
	p.uptime = max(p.uptime, gs.uptime)
	p.mem += gs.mem
	p.maxmem += gs.maxmem
	if p.maxcpu+gs.cpus > 0 {
		p.cpu = (p.cpu*float64(p.maxcpu) + gs.cpu*float64(gs.cpus)) / float64(p.maxcpu+gs.cpus)
	}
	p.maxcpu += gs.cpus
	return p
}

func appendPoolResource(o *jsonObj, id string, sum *poolSum) {
	o.begin()
	o.str("id", "/pool/"+id)
	o.str("type", "pool")
	o.str("pool", id)
	if sum != nil {
		o.int("uptime", sum.uptime)
		o.uint("mem", sum.mem)
		o.uint("maxmem", sum.maxmem)
		o.int("maxcpu", int64(sum.maxcpu))
		o.float("cpu", sum.cpu)
	}
	o.end()
}

// guestMem is the memory a guest uses while running.
func guestMem(g *guest) uint64 { return guestMemOf(g, g.maxmem()) }

func guestMemOf(g *guest, maxmem uint64) uint64 {
	if g.status != "running" {
		return 0
	}
	if g.kind == kindLXC {
		return min(maxmem, 48<<20)
	}
	return maxmem / 2
}

// appendGuestResource renders a guest as extract_vm_stats does from its
// status data gs (nil: none yet, so status "unknown" and no figures),
// then the pool, tags and lock, which do not lag.
func (s *Server) appendGuestResource(o *jsonObj, g *guest, gs *guestStat) {
	o.begin()
	o.key("id")
	o.b = append(o.b, '"')
	o.b = append(o.b, g.kind...)
	o.b = append(o.b, '/')
	o.b = strconv.AppendInt(o.b, int64(g.vmid), 10)
	o.b = append(o.b, '"')
	o.int("vmid", int64(g.vmid))
	o.str("node", g.node)
	o.str("type", g.kind)
	if gs == nil {
		o.str("status", "unknown")
	} else {
		o.str("name", gs.name)
		o.str("status", gs.status)
		tmpl := int64(0)
		if gs.template {
			tmpl = 1
		}
		o.int("template", tmpl)
		o.int("maxcpu", int64(gs.cpus))
		o.float("cpu", gs.cpu)
		o.int("uptime", gs.uptime)
		o.uint("maxmem", gs.maxmem)
		o.uint("mem", gs.mem)
		o.uint("maxdisk", gs.maxdisk)
		o.uint("disk", gs.disk)
		o.int("netin", 0)
		o.int("netout", 0)
		o.int("diskread", 0)
		o.int("diskwrite", 0)
		// pve-vm-9.0 entries carry memhost for containers too (0).
		if g.kind == kindQEMU {
			o.uint("memhost", gs.mem)
		} else {
			o.int("memhost", 0)
		}
	}
	if g.pool != "" {
		o.str("pool", g.pool)
	}
	if t := g.conf["tags"]; t != "" {
		o.str("tags", t)
	}
	if l := g.lock(); l != "" {
		o.str("lock", l)
	}
	o.end()
}

// appendNodeResource renders a node as extract_node_stats does: offline
// when the cluster says so, else online with its status data, or
// "unknown" without any.
func appendNodeResource(o *jsonObj, n *node, ns *nodeStat) {
	o.begin()
	o.str("id", "node/"+n.name)
	o.str("node", n.name)
	o.str("type", "node")
	switch {
	case n.unreachable():
		o.str("status", "offline")
	case ns != nil:
		o.str("status", "online")
		o.int("uptime", ns.uptime)
		o.float("cpu", ns.cpu)
		o.uint("mem", ns.mem)
		o.uint("disk", ns.disk)
	default:
		o.str("status", "unknown")
	}
	if ns != nil {
		o.str("level", "")
		o.int("maxcpu", int64(ns.maxcpu))
		o.uint("maxmem", ns.maxmem)
		o.uint("maxdisk", ns.maxdisk)
	}
	o.int("cgroup-mode", 2)
	o.end()
}

// appendStorageResource renders a storage as extract_storage_stats does:
// available with its status data, "unknown" without.
func appendStorageResource(o *jsonObj, nodeName string, st *storage, ss *storageStat) {
	o.begin()
	o.str("id", "storage/"+nodeName+"/"+st.id)
	o.str("storage", st.id)
	o.str("node", nodeName)
	o.str("type", "storage")
	o.str("plugintype", st.typ)
	o.str("content", joinContent(st.content))
	shared := int64(0)
	if st.shared {
		shared = 1
	}
	o.int("shared", shared)
	if ss == nil {
		o.str("status", "unknown")
	} else {
		o.str("status", "available")
		o.uint("maxdisk", ss.total)
		o.uint("disk", ss.used)
	}
	o.end()
}

// joinContent renders a content list as Proxmox does (sorted, comma-separated).
func joinContent(c []string) string {
	out := ""
	for _, x := range sortedCopy(c) {
		if out != "" {
			out += ","
		}
		out += x
	}
	return out
}

// getNextID serves GET /cluster/nextid: the lowest free VMID from 100 as a
// string, or, with vmid, that VMID if free and 400 "VM <id> already exists"
// otherwise.
func (s *Server) getNextID(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if c.has("vmid") {
		id, _ := c.int("vmid")
		if _, taken := s.st.guests[id]; taken {
			return nil, paramErr(map[string]string{"vmid": "VM " + strconv.Itoa(id) + " already exists"})
		}
		return strconv.Itoa(id), nil
	}
	for id := 100; id < 1_000_000; id++ {
		if _, taken := s.st.guests[id]; !taken {
			return strconv.Itoa(id), nil
		}
	}
	return nil, errf("unable to get any free VMID in range [100, 1000000]")
}

// getNodes serves GET /nodes: each node as extract_node_stats renders it
// from the status data (Nodes.pm index), plus its certificate fingerprint.
func (s *Server) getNodes(c *call) (any, error) {
	now := time.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	view := s.statusAt(now)
	out := make([]map[string]any, 0, len(s.st.nodes))
	for _, name := range s.st.nodeOrder {
		n := s.st.nodes[name]
		ns := view.node(n)
		e := map[string]any{"node": name, "id": "node/" + name, "type": "node",
			"ssl_fingerprint": fingerprint(s.cert.Leaf)}
		switch {
		case n.unreachable():
			e["status"] = "offline"
		case ns != nil:
			e["status"] = "online"
			e["cpu"] = ns.cpu
			e["mem"] = ns.mem
			e["disk"] = ns.disk
			e["uptime"] = ns.uptime
		default:
			e["status"] = "unknown"
		}
		if ns != nil {
			e["level"] = ""
			e["maxcpu"] = ns.maxcpu
			e["maxmem"] = ns.maxmem
			e["maxdisk"] = ns.maxdisk
		}
		out = append(out, e)
	}
	return out, nil
}

// getNodeStatus serves GET /nodes/{node}/status.
func (s *Server) getNodeStatus(c *call) (any, error) {
	now := time.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := s.st.nodes[c.str("node")]
	u := s.st.usageByNode()[n.name]
	ver := s.st.version
	return map[string]any{
		"uptime":     int64(now.Sub(n.bootTime).Seconds()),
		"cpu":        u.cpu,
		"wait":       0.001,
		"idle":       0,
		"loadavg":    []string{"0.42", "0.37", "0.33"},
		"kversion":   "Linux 6.17.2-1-pve #1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-10-21T11:55Z) x86_64",
		"pveversion": "pve-manager/" + ver.Version + "/" + ver.RepoID,
		"cpuinfo": map[string]any{"cpus": n.cpus, "cores": n.cpus / 2, "sockets": 1, "model": "AMD EPYC 7302P 16-Core Processor",
			"mhz": "3000.000", "hvm": "1", "user_hz": 100, "flags": "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr svm"},
		"memory":    map[string]any{"total": n.memory, "used": u.mem, "free": n.memory - min(u.mem, n.memory), "available": n.memory - min(u.mem, n.memory)},
		"swap":      map[string]any{"total": uint64(8 << 30), "used": 0, "free": uint64(8 << 30)},
		"rootfs":    map[string]any{"total": uint64(100 << 30), "used": uint64(12 << 30), "free": uint64(88 << 30), "avail": uint64(83 << 30)},
		"ksm":       map[string]any{"shared": 0},
		"boot-info": map[string]any{"mode": "efi", "secureboot": 0},
		"current-kernel": map[string]any{"sysname": "Linux", "release": "6.17.2-1-pve", "machine": "x86_64",
			"version": "#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-10-21T11:55Z)"},
	}, nil
}

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
// nodes, storages, SDN zones.
func (s *Server) getClusterResources(c *call) (any, error) {
	filter := c.str("type")
	now := time.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	o := jsonObj{b: make([]byte, 0, 512*(len(st.guests)+16))}
	o.b = append(o.b, '[')
	n := 0
	sep := func() {
		if n > 0 {
			o.b = append(o.b, ',')
		}
		n++
	}
	if filter == "" {
		for _, id := range st.sortedPoolIDs() {
			sep()
			s.appendPoolResource(&o, st.pools[id], now)
		}
	}
	if filter == "" || filter == "vm" {
		for _, vmid := range st.sortedVMIDs() {
			sep()
			s.appendGuestResource(&o, st.guests[vmid], now)
		}
	}
	if filter == "" || filter == "node" {
		usage := st.usageByNode()
		for _, name := range st.nodeOrder {
			sep()
			s.appendNodeResource(&o, st.nodes[name], usage[name], now)
		}
	}
	if filter == "" || filter == "storage" {
		for _, name := range st.nodeOrder {
			for _, id := range st.nodes[name].storages {
				sep()
				s.appendStorageResource(&o, name, st.storageOn(name, id))
			}
		}
	}
	if filter == "" || filter == "sdn" {
		for _, name := range st.nodeOrder {
			sep()
			o.begin()
			o.str("id", "sdn/"+name+"/localnetwork")
			o.str("type", "sdn")
			o.str("sdn", "localnetwork")
			o.str("node", name)
			status := "ok"
			if st.nodes[name].unreachable() {
				status = "unknown"
			}
			o.str("status", status)
			o.end()
		}
	}
	o.b = append(o.b, ']')
	return rawJSON(o.b), nil
}

func (s *Server) appendPoolResource(o *jsonObj, p *pool, now time.Time) {
	o.begin()
	o.str("id", "/pool/"+p.id)
	o.str("type", "pool")
	o.str("pool", p.id)
	var mem, maxmem uint64
	var maxcpu int
	var uptime int64
	for vmid := range p.vms {
		g := s.st.guests[vmid]
		if g == nil || g.status != "running" {
			continue
		}
		mem += guestMem(g)
		maxmem += g.maxmem()
		maxcpu += g.cpus()
		uptime = max(uptime, int64(now.Sub(g.startedAt).Seconds()))
	}
	if uptime > 0 {
		o.int("uptime", uptime)
		o.uint("mem", mem)
		o.uint("maxmem", maxmem)
		o.int("maxcpu", int64(maxcpu))
		o.float("cpu", 0.01)
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

func (s *Server) appendGuestResource(o *jsonObj, g *guest, now time.Time) {
	n := s.st.nodes[g.node]
	f := s.st.figures(g)
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
	o.str("name", g.name())
	if n.unreachable() {
		o.str("status", "unknown")
	} else {
		o.str("status", g.status)
	}
	tmpl := int64(0)
	if g.isTemplate() {
		tmpl = 1
	}
	o.int("template", tmpl)
	o.int("maxcpu", int64(f.cpus))
	cpu, uptime := 0.0, int64(0)
	if g.status == "running" {
		cpu, uptime = 0.01, int64(now.Sub(g.startedAt).Seconds())
	}
	o.float("cpu", cpu)
	o.int("uptime", uptime)
	o.uint("maxmem", f.maxmem)
	mem := guestMemOf(g, f.maxmem)
	o.uint("mem", mem)
	o.uint("maxdisk", f.maxdisk)
	disk := uint64(0)
	if g.kind == kindLXC && g.status == "running" {
		disk = f.maxdisk / 8
	}
	o.uint("disk", disk)
	o.int("netin", 0)
	o.int("netout", 0)
	o.int("diskread", 0)
	o.int("diskwrite", 0)
	if g.kind == kindQEMU {
		o.uint("memhost", mem)
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

func (s *Server) appendNodeResource(o *jsonObj, n *node, u *nodeUsage, now time.Time) {
	o.begin()
	o.str("id", "node/"+n.name)
	o.str("node", n.name)
	o.str("type", "node")
	o.str("level", "")
	o.int("maxcpu", int64(n.cpus))
	o.uint("maxmem", n.memory)
	o.uint("maxdisk", 100<<30)
	if n.unreachable() {
		o.str("status", "offline")
	} else {
		o.str("status", "online")
		o.int("uptime", int64(now.Sub(n.bootTime).Seconds()))
		o.float("cpu", u.cpu)
		o.uint("mem", u.mem)
		o.uint("disk", 12<<30)
	}
	o.int("cgroup-mode", 2)
	o.end()
}

func (s *Server) appendStorageResource(o *jsonObj, nodeName string, st *storage) {
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
	if s.st.nodes[nodeName].unreachable() {
		o.str("status", "unknown")
	} else {
		o.str("status", "available")
		o.uint("maxdisk", st.total)
		o.uint("disk", st.used)
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

// getNodes serves GET /nodes.
func (s *Server) getNodes(c *call) (any, error) {
	now := time.Now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	usage := s.st.usageByNode()
	out := make([]map[string]any, 0, len(s.st.nodes))
	for _, name := range s.st.nodeOrder {
		n := s.st.nodes[name]
		e := map[string]any{"node": name, "id": "node/" + name, "type": "node", "level": "",
			"ssl_fingerprint": fingerprint(s.cert.Leaf)}
		if n.unreachable() {
			e["status"] = "offline"
		} else {
			e["status"] = "online"
			e["cpu"] = usage[name].cpu
			e["maxcpu"] = n.cpus
			e["mem"] = usage[name].mem
			e["maxmem"] = n.memory
			e["disk"] = uint64(12 << 30)
			e["maxdisk"] = uint64(100 << 30)
			e["uptime"] = int64(now.Sub(n.bootTime).Seconds())
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

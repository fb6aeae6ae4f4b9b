package pvesim

import (
	"regexp"
	"strconv"
	"time"
)

// addToPool adds a guest to a pool, leaving any previous pool.
func (s *Server) addToPool(p *pool, g *guest) {
	if old := s.st.pools[g.pool]; old != nil {
		delete(old.vms, g.vmid)
	}
	p.vms[g.vmid] = true
	g.pool = p.id
}

// poolMembers renders a pool's members as Pool.pm does: each guest as
// extract_vm_stats renders it from the status data (so it lags as
// cluster/resources does, without pool, tags or lock), each storage as
// extract_storage_stats does, optionally only of one type (qemu, lxc,
// storage). The caller holds s.mu for reading.
func (s *Server) poolMembers(p *pool, typ string) []map[string]any {
	view := s.statusAt(time.Now())
	out := []map[string]any{}
	for _, vmid := range s.st.sortedVMIDs() {
		g := s.st.guests[vmid]
		if !p.vms[vmid] || typ != "" && typ != g.kind {
			continue
		}
		out = append(out, vmStats(g, view.guest(g)))
	}
	if typ == "" || typ == "storage" {
		for _, id := range sortedKeys(p.storages) {
			for _, n := range s.st.nodeOrder {
				if st := s.st.storageOn(n, id); st != nil {
					e := map[string]any{"id": "storage/" + n + "/" + id, "storage": id, "node": n,
						"type": "storage", "plugintype": st.typ, "status": "unknown", "shared": boolInt(st.shared),
						"content": joinContent(st.content)}
					if ss := view.storage(n, st); ss != nil {
						e["status"], e["maxdisk"], e["disk"] = "available", ss.total, ss.used
					}
					out = append(out, e)
					break
				}
			}
		}
	}
	return out
}

// vmStats is extract_vm_stats: the guest's vmlist fields, and its status
// data gs when there is any (else status "unknown").
func vmStats(g *guest, gs *guestStat) map[string]any {
	e := map[string]any{"id": g.kind + "/" + strconv.Itoa(g.vmid), "vmid": g.vmid, "node": g.node, "type": g.kind,
		"status": "unknown"}
	if gs == nil {
		return e
	}
	e["uptime"], e["name"], e["status"], e["template"] = gs.uptime, gs.name, gs.status, boolInt(gs.template)
	e["maxcpu"], e["cpu"], e["maxmem"], e["mem"] = gs.cpus, gs.cpu, gs.maxmem, gs.mem
	e["maxdisk"], e["disk"] = gs.maxdisk, gs.disk
	e["netin"], e["netout"], e["diskread"], e["diskwrite"] = 0, 0, 0, 0
	e["memhost"] = uint64(0)
	if g.kind == kindQEMU {
		e["memhost"] = gs.mem
	}
	return e
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// getPools serves GET /pools: all pools, or with poolid one pool with its
// members (as PVE 9 recommends instead of GET /pools/{poolid}).
func (s *Server) getPools(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if id := c.str("poolid"); id != "" {
		p := s.st.pools[id]
		if p == nil {
			return nil, errf("pool '%s' does not exist", id)
		}
		e := map[string]any{"poolid": id, "members": s.poolMembers(p, c.str("type"))}
		if p.comment != "" {
			e["comment"] = p.comment
		}
		return []map[string]any{e}, nil
	}
	out := []map[string]any{}
	for _, id := range s.st.sortedPoolIDs() {
		e := map[string]any{"poolid": id}
		if cm := s.st.pools[id].comment; cm != "" {
			e["comment"] = cm
		}
		out = append(out, e)
	}
	return out, nil
}

// getPool serves the deprecated GET /pools/{poolid}.
func (s *Server) getPool(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.st.pools[c.str("poolid")]
	if p == nil {
		return nil, errf("pool '%s' does not exist", c.str("poolid"))
	}
	e := map[string]any{"members": s.poolMembers(p, c.str("type"))}
	if p.comment != "" {
		e["comment"] = p.comment
	}
	return e, nil
}

var poolName = regexp.MustCompile(`^[A-Za-z]`)

// createPool serves POST /pools.
func (s *Server) createPool(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.str("poolid")
	if _, ok := s.st.pools[id]; ok {
		return nil, errf("pool '%s' already exists", id)
	}
	if !poolName.MatchString(id) {
		return nil, errf("pool name must start with a letter")
	}
	s.st.pools[id] = &pool{id: id, comment: c.str("comment"), vms: map[int]bool{}, storages: map[string]bool{}}
	return nil, nil
}

// updatePool serves PUT /pools and the deprecated PUT /pools/{poolid}:
// comment, adding or (with delete=1) removing VMs and storages.
func (s *Server) updatePool(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.str("poolid")
	p := s.st.pools[id]
	if p == nil {
		return nil, errf("pool '%s' does not exist", id)
	}
	if c.has("comment") {
		p.comment = c.str("comment")
	}
	del := c.bool("delete")
	for _, v := range splitList(c.str("vms")) {
		vmid, _ := strconv.Atoi(v)
		g := s.st.guests[vmid]
		switch {
		case del && !p.vms[vmid]:
			return nil, errf("VM %d is not a pool member", vmid)
		case del:
			delete(p.vms, vmid)
			if g != nil {
				g.pool = ""
			}
		case p.vms[vmid]:
			return nil, errf("VM %d is already a pool member", vmid)
		case g == nil:
			return nil, errf("VM %d does not exist", vmid)
		case g.pool != "" && !c.bool("allow-move"):
			return nil, errf("VM %d belongs already to pool '%s' and 'allow-move' is not set", vmid, g.pool)
		default:
			s.addToPool(p, g)
		}
	}
	for _, sid := range splitList(c.str("storage")) {
		switch {
		case del && !p.storages[sid]:
			return nil, errf("Storage '%s' is not a pool member", sid)
		case del:
			delete(p.storages, sid)
		case p.storages[sid]:
			return nil, errf("Storage '%s' is already a pool member", sid)
		default:
			p.storages[sid] = true
		}
	}
	return nil, nil
}

// deletePool serves DELETE /pools?poolid= and the deprecated DELETE /pools/{poolid}.
func (s *Server) deletePool(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.str("poolid")
	p := s.st.pools[id]
	if p == nil {
		return nil, errf("pool '%s' does not exist", id)
	}
	for vmid := range p.vms {
		return nil, errf("pool '%s' is not empty (contains VM %d)", id, vmid)
	}
	for sid := range p.storages {
		return nil, errf("pool '%s' is not empty (contains storage '%s')", id, sid)
	}
	delete(s.st.pools, id)
	return nil, nil
}

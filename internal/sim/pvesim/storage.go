package pvesim

import "sort"

// storageEntry renders a storage as GET /nodes/{node}/storage lists it.
func storageEntry(st *storage) map[string]any {
	shared := 0
	if st.shared {
		shared = 1
	}
	avail := st.total - min(st.used, st.total)
	frac := 0.0
	if st.total > 0 {
		frac = float64(st.used) / float64(st.total)
	}
	return map[string]any{
		"storage": st.id, "type": st.typ, "content": joinContent(st.content), "active": 1, "enabled": 1,
		"shared": shared, "total": st.total, "used": st.used, "avail": avail, "used_fraction": frac,
	}
}

// getNodeStorages serves GET /nodes/{node}/storage, filtered by content
// and storage.
func (s *Server) getNodeStorages(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	nodeName := c.str("node")
	want := splitList(c.str("content"))
	out := []map[string]any{}
	for _, id := range s.st.nodes[nodeName].storages {
		st := s.st.storageOn(nodeName, id)
		if f := c.str("storage"); f != "" && f != id {
			continue
		}
		ok := len(want) == 0
		for _, w := range want {
			ok = ok || st.hasContent(w)
		}
		if ok {
			out = append(out, storageEntry(st))
		}
	}
	return out, nil
}

// storageParam returns the {storage} of the path on the path's node.
func (s *Server) storageParam(c *call) (*storage, error) {
	st := s.st.storageOn(c.str("node"), c.str("storage"))
	if st == nil {
		return nil, errf("storage '%s' does not exist", c.str("storage"))
	}
	return st, nil
}

// getStorageStatus serves GET /nodes/{node}/storage/{storage}/status.
func (s *Server) getStorageStatus(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, err := s.storageParam(c)
	if err != nil {
		return nil, err
	}
	e := storageEntry(st)
	delete(e, "storage")
	delete(e, "used_fraction")
	return e, nil
}

// getStorageContent serves GET /nodes/{node}/storage/{storage}/content,
// filtered by content type and vmid.
func (s *Server) getStorageContent(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, err := s.storageParam(c)
	if err != nil {
		return nil, err
	}
	content := c.str("content")
	vmid, byVMID := c.int("vmid")
	names := make([]string, 0, len(st.volumes))
	for name := range st.volumes {
		names = append(names, name)
	}
	sort.Strings(names)
	out := []map[string]any{}
	for _, name := range names {
		v := st.volumes[name]
		if content != "" && v.content != content || byVMID && v.vmid != vmid {
			continue
		}
		e := map[string]any{"volid": st.id + ":" + v.name, "format": v.format, "size": v.size, "content": v.content, "ctime": v.ctime}
		if v.vmid != 0 {
			e["vmid"] = v.vmid
			e["used"] = v.used
		}
		if v.base != "" {
			e["parent"] = v.base
		}
		out = append(out, e)
	}
	return out, nil
}

// parseVolID splits "storage:volname".
func parseVolID(volid string) (store, name string, ok bool) {
	for i := 0; i < len(volid); i++ {
		if volid[i] == ':' {
			return volid[:i], volid[i+1:], i > 0 && i < len(volid)-1
		}
	}
	return "", "", false
}

// diskVolume returns the storage and volume a disk config value refers to.
func (st *state) diskVolume(nodeName, val string) (*storage, *volume) {
	first, _, _ := cutComma(val)
	store, name, ok := parseVolID(first)
	if !ok {
		return nil, nil
	}
	s := st.storageOn(nodeName, store)
	if s == nil {
		return nil, nil
	}
	return s, s.volumes[name]
}

// cutComma splits a property string at its first comma.
func cutComma(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// linkedClones counts volumes on s that are linked clones of base.
func linkedClones(s *storage, base string) int {
	n := 0
	for _, v := range s.volumes {
		if v.base == base {
			n++
		}
	}
	return n
}

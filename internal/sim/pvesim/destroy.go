package pvesim

import (
	"fmt"
	"strings"
)

// destroyGuest serves DELETE /nodes/{node}/{qemu,lxc}/{vmid}: synchronous
// existence, protection, running and (for containers) lock checks, then a qmdestroy/vzdestroy
// task that takes the storage lock, frees the disks, drops the guest from
// its pool and removes its config.
func (s *Server) destroyGuest(kind string) handlerFunc {
	return func(c *call) (any, error) {
		if c.bool("skiplock") && c.user != "root@pam" {
			return nil, paramErr(map[string]string{"skiplock": "Only root may use this option."})
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		g, aerr := s.loadGuest(c, kind)
		if aerr != nil {
			return nil, aerr
		}
		if isTrue(g.conf["protection"]) {
			return nil, errf("can't remove %s %d - protection mode enabled", g.typeWord(), g.vmid)
		}
		// pct's destroy_vm checks the lock before forking its worker (and
		// again under the lock); qm's checks it only in the worker.
		if kind == kindLXC {
			if err := checkLock(g); err != nil {
				return nil, errf("%s", err.Error())
			}
		}
		if g.status == "running" {
			if kind == kindQEMU {
				return nil, errf("VM %d is running - destroy failed", g.vmid)
			}
			if !c.bool("force") {
				return nil, errf("unable to destroy CT %d - container is running", g.vmid)
			}
		}
		typ := "qmdestroy"
		if kind == kindLXC {
			typ = "vzdestroy"
		}
		skiplock, purge, unreferenced := c.bool("skiplock"), c.bool("purge"), c.bool("destroy-unreferenced-disks")
		t := s.startTask(taskSpec{node: g.node, typ: typ, id: itoa(g.vmid), user: c.user, nominal: s.dur.Destroy},
			func(r *taskRun) error { return s.runDestroy(r, g, skiplock, purge, unreferenced) })
		return upidResult(t), nil
	}
}

// runDestroy is the destroy worker.
func (s *Server) runDestroy(r *taskRun, g *guest, skiplock, purge, unreferenced bool) error {
	release, err := r.exclusive(g)
	if err != nil {
		return err
	}
	defer release()
	var stores []*storage
	err = r.locked(func() error {
		if s.st.guests[g.vmid] != g {
			return configMissing(g.node, g.kind, g.vmid)
		}
		if !skiplock {
			if err := checkLock(g); err != nil {
				return err
			}
		}
		for _, k := range g.diskKeys() {
			st, v := s.st.diskVolume(g.node, g.conf[k])
			if st == nil || v == nil {
				continue
			}
			if isBaseVolume(v.name) && linkedClones(st, v.name) > 0 {
				return fmt.Errorf("base volume '%s:%s' is still in use by linked cloned", st.id, v.name)
			}
			stores = append(stores, st)
		}
		if g.status == "running" {
			r.t.log = append(r.t.log, fmt.Sprintf("forced to stop CT %d before destroying!", g.vmid))
			g.status, g.pid = "stopped", 0
			s.guestNetChanged(g, false)
		}
		g.conf["lock"] = "destroyed"
		return nil
	})
	if err != nil {
		return err
	}
	for _, st := range uniqueStorages(stores) {
		rel, err := r.storageLock(st)
		if err != nil {
			_ = r.locked(func() error { delete(g.conf, "lock"); return nil })
			return err
		}
		defer rel()
	}
	if err := r.sleep(s.dur.Destroy); err != nil {
		return err
	}
	return r.locked(func() error {
		for _, k := range g.diskKeys() {
			if st, v := s.st.diskVolume(g.node, g.conf[k]); st != nil && v != nil {
				s.st.freeVolume(st, v.name)
				r.t.log = append(r.t.log, "  Logical volume \"pve/"+v.name+"\" successfully removed.")
			}
		}
		if unreferenced {
			s.freeUnreferenced(g)
		}
		if p := s.st.pools[g.pool]; p != nil {
			delete(p.vms, g.vmid)
		}
		if purge {
			r.t.log = append(r.t.log, fmt.Sprintf("purging %s %d from related configurations..", g.typeWord(), g.vmid))
		}
		for _, mac := range g.macs() {
			delete(s.st.macs, mac)
		}
		delete(s.st.guests, g.vmid)
		s.guestPorts.stop(g.vmid)
		return nil
	})
}

// freeUnreferenced frees the guest's volumes its config does not reference.
func (s *Server) freeUnreferenced(g *guest) {
	for _, id := range s.st.nodes[g.node].storages {
		st := s.st.storageOn(g.node, id)
		for name, v := range st.volumes {
			if v.vmid == g.vmid && (v.content == "images" || v.content == "rootdir") {
				s.st.freeVolume(st, name)
			}
		}
	}
}

// uniqueStorages drops repeated storages, keeping order.
func uniqueStorages(in []*storage) []*storage {
	var out []*storage
	seen := map[*storage]bool{}
	for _, st := range in {
		if !seen[st] {
			seen[st] = true
			out = append(out, st)
		}
	}
	return out
}

// convertToTemplate serves POST .../{vmid}/template: after Proxmox's
// synchronous checks a qmtemplate/vztemplate task turns the disks into base
// volumes and sets template: 1.
func (s *Server) convertToTemplate(kind string) handlerFunc {
	return func(c *call) (any, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		g, aerr := s.loadGuest(c, kind)
		if aerr != nil {
			return nil, aerr
		}
		if err := checkLock(g); err != nil {
			return nil, err
		}
		if len(g.snapshots) > 0 {
			return nil, errf("unable to create template, because %s contains snapshots", g.typeWord())
		}
		if g.isTemplate() {
			return nil, errf("you can't convert a template to a template")
		}
		if g.status == "running" {
			if kind == kindLXC {
				return nil, errf("you can't convert a CT to template if the CT is running")
			}
			return nil, errf("you can't convert a VM to template if VM is running")
		}
		typ := "qmtemplate"
		if kind == kindLXC {
			typ = "vztemplate"
		}
		t := s.startTask(taskSpec{node: g.node, typ: typ, id: itoa(g.vmid), user: c.user, nominal: s.dur.Template},
			func(r *taskRun) error {
				if err := r.sleep(s.dur.Template); err != nil {
					return err
				}
				return r.locked(func() error {
					if s.st.guests[g.vmid] != g {
						return configMissing(g.node, g.kind, g.vmid)
					}
					if err := checkLock(g); err != nil {
						return err
					}
					for _, k := range g.diskKeys() {
						s.makeBase(g, k)
					}
					g.conf["template"] = "1"
					return nil
				})
			})
		return upidResult(t), nil
	}
}

// makeBase renames a guest disk's volume vm-<id>-disk-N to base-<id>-disk-N.
func (s *Server) makeBase(g *guest, key string) {
	st, v := s.st.diskVolume(g.node, g.conf[key])
	if st == nil || v == nil || isBaseVolume(v.name) {
		return
	}
	i := strings.LastIndexByte(v.name, '/') + 1
	newName := v.name[:i] + "base-" + strings.TrimPrefix(v.name[i:], "vm-")
	delete(st.volumes, v.name)
	delete(st.diskNames, diskName(v.name))
	v.name = newName
	st.volumes[newName] = v
	st.diskNames[diskName(newName)] = true
	_, opts, _ := cutComma(g.conf[key])
	g.conf[key] = st.id + ":" + newName
	if opts != "" {
		g.conf[key] += "," + opts
	}
}

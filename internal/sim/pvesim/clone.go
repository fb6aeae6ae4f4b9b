package pvesim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cloneDisk is one disk a clone task copies or links.
type cloneDisk struct {
	key    string
	src    *storage
	srcVol *volume
	dst    *storage
	opts   string // the disk's options after the volume ID
}

// checkPool is check_pool_exist: a missing pool is a permission error.
func (s *Server) checkPool(name string) *apiError {
	if name == "" {
		return nil
	}
	if _, ok := s.st.pools[name]; !ok {
		return &apiError{status: http.StatusForbidden, msg: "Permission check failed (pool '" + name + "' does not exist)"}
	}
	return nil
}

// cloneGuest serves POST /nodes/{node}/{qemu,lxc}/{vmid}/clone with the
// synchronous checks of qemu-server's and pve-container's clone_vm, then
// runs the copy as a qmclone/vzclone task. The new guest exists, locked
// ("clone" for VMs, "create" for containers), from the moment the UPID is
// returned; a container source is locked "disk" meanwhile.
func (s *Server) cloneGuest(kind string) handlerFunc {
	return func(c *call) (any, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if kind == kindQEMU && s.st.guestOn(c.str("node"), kind, c.vmid()) == nil {
			// clone_vm's first check is check_running($vmid).
			return nil, vmConfigNotOnNode(c.vmid(), c.str("node"))
		}
		src, aerr := s.loadGuest(c, kind)
		if aerr != nil {
			return nil, aerr
		}
		newid, _ := c.int("newid")
		pool := c.str("pool")
		if e := s.checkPool(pool); e != nil {
			return nil, e
		}
		targetNode := src.node
		if t := c.str("target"); t != "" && t != src.node && t != "localhost" {
			if _, ok := s.st.nodes[t]; !ok {
				return nil, errf("no such cluster node '%s'", t)
			}
			targetNode = t
		}
		var dstStore *storage
		if id := c.str("storage"); id != "" {
			if dstStore = s.st.storageOn(src.node, id); dstStore == nil {
				return nil, errf("storage '%s' does not exist", id)
			}
			want := "images"
			if kind == kindLXC {
				want = "rootdir"
			}
			if !dstStore.hasContent(want) {
				return nil, paramErr(map[string]string{"storage": "storage '" + id + "' does not support vm images"})
			}
			if targetNode != src.node && !dstStore.shared {
				return nil, errf("can't clone to non-shared storage '%s'", id)
			}
		}
		if err := checkLock(src); err != nil {
			return nil, err
		}
		if existing := s.st.guests[newid]; existing != nil {
			if existing.node != src.node {
				// The synchronous check sees only this node's guests: the
				// clone starts, and fails when it writes the config.
				return s.startCloneOntoTakenVMID(c, src, newid, targetNode), nil
			}
			if kind == kindLXC {
				return nil, errf("%s %d already exists on node '%s'", existing.typeWord(), newid, existing.node)
			}
			return nil, errf("unable to create VM %d: config file already exists", newid)
		}
		snapname := c.str("snapname")
		srcConf := src.conf
		if snapname != "" {
			snap := src.snapshots[snapname]
			if snap == nil {
				return nil, errf("snapshot '%s' does not exist", snapname)
			}
			srcConf = snap.conf
		}
		full := !src.isTemplate()
		if c.has("full") {
			full = c.bool("full")
		}
		if dstStore != nil && !full {
			return nil, errf("parameter 'storage' not allowed for linked clones")
		}
		if c.has("format") && !full {
			return nil, errf("parameter 'format' not allowed for linked clones")
		}
		if kind == kindLXC && full && src.status == "running" && snapname == "" {
			return nil, errf("Full clone of a running container is only possible from a snapshot")
		}
		disks, err := s.planCloneDisks(src, srcConf, snapname, full, dstStore, targetNode)
		if err != nil {
			return nil, err
		}
		return s.startClone(c, src, srcConf, newid, targetNode, pool, full, disks), nil
	}
}

// planCloneDisks checks that every disk of conf (the guest's, or its
// snapshot snapname's) can be copied or linked and picks its destination
// storage.
func (s *Server) planCloneDisks(src *guest, conf map[string]string, snapname string, full bool, dstStore *storage, targetNode string) ([]cloneDisk, error) {
	var disks []cloneDisk
	shared := true
	tmp := &guest{kind: src.kind, conf: conf}
	for _, key := range tmp.diskKeys() {
		val := conf[key]
		store, vol := s.st.diskVolume(src.node, val)
		if store == nil || vol == nil {
			return nil, errf("unable to parse volume ID '%s'", val)
		}
		volid := store.id + ":" + vol.name
		_, opts, _ := cutComma(val)
		if !full && !linkedCloneSupported(src.kind, store.typ, isBaseVolume(vol.name), snapname != "") {
			if src.kind == kindLXC {
				return nil, errf("Linked clone feature for '%s' is not available", volid)
			}
			if snapname != "" {
				return nil, errf("Linked clone feature is not supported for a snapshot of '%s' (%s)", volid, key)
			}
			return nil, errf("Linked clone feature is not supported for '%s' (%s)", volid, key)
		}
		dst := store
		if dstStore != nil {
			dst = dstStore
		}
		if !dst.shared {
			shared = false
		}
		disks = append(disks, cloneDisk{key: key, src: store, srcVol: vol, dst: dst, opts: opts})
	}
	if targetNode != src.node && !shared {
		if src.kind == kindLXC {
			return nil, errf("can't clone CT to node '%s' (CT uses local storage)", targetNode)
		}
		return nil, errf("can't clone VM to node '%s' (VM uses local storage)", targetNode)
	}
	return disks, nil
}

// isBaseVolume reports whether a volume is a template's base image.
func isBaseVolume(name string) bool {
	return strings.HasPrefix(name[strings.LastIndexByte(name, '/')+1:], "base-")
}

// cloneMode names a clone in task logs.
func cloneMode(full bool) string {
	if full {
		return "full"
	}
	return "linked"
}

// startClone creates the locked new guest and starts the clone task. The
// caller holds Server.mu.
func (s *Server) startClone(c *call, src *guest, srcConf map[string]string, newid int, targetNode, pool string, full bool, disks []cloneDisk) any {
	now := time.Now()
	newConf := s.clonedConf(src, srcConf, c)
	ng := &guest{kind: src.kind, vmid: newid, node: targetNode, status: "stopped", snapshots: map[string]*snapshot{}}
	typ := "qmclone"
	if src.kind == kindQEMU {
		ng.conf = map[string]string{"lock": "clone"}
	} else {
		typ = "vzclone"
		src.conf["lock"] = "disk"
		ng.conf = cloneConf(newConf)
		ng.conf["lock"] = "create"
		for _, d := range disks {
			delete(ng.conf, d.key)
		}
	}
	s.st.guests[newid] = ng
	src.sharedLocks++
	dur := s.dur.CloneLinked
	if full {
		dur = s.dur.CloneFull
	}
	release := func() {
		src.sharedLocks--
		if src.kind == kindLXC && src.conf["lock"] == "disk" {
			delete(src.conf, "lock")
		}
	}
	cleanup := func() {
		release()
		if s.st.guests[newid] == ng {
			delete(s.st.guests, newid)
		}
	}
	t := s.startTask(taskSpec{node: src.node, typ: typ, id: strconv.Itoa(src.vmid), user: c.user, nominal: dur, cleanup: cleanup},
		func(r *taskRun) error {
			var releases []func()
			defer func() {
				for _, rel := range releases {
					rel()
				}
			}()
			for _, d := range disks {
				rel, err := r.storageLock(d.dst)
				if err != nil {
					return fmt.Errorf("clone failed: %s", err.Error())
				}
				releases = append(releases, rel)
				r.logf("create %s clone of drive %s (%s:%s)", cloneMode(full), d.key, d.src.id, d.srcVol.name)
			}
			if err := r.sleep(dur); err != nil {
				return fmt.Errorf("clone failed: %s", err.Error())
			}
			return r.locked(func() error {
				if s.st.guests[newid] != ng {
					return fmt.Errorf("clone failed: VM %d vanished", newid)
				}
				for _, d := range disks {
					base := ""
					if !full {
						base = d.srcVol.name
					}
					v := s.st.allocVolume(d.dst, newid, src.kind, d.srcVol.size, false, base, now)
					r.t.log = append(r.t.log, "  Logical volume \""+v.name+"\" created.")
					if full {
						r.t.log = append(r.t.log, "transferred "+formatSize(d.srcVol.size)+" of "+formatSize(d.srcVol.size)+" (100.00%)")
					}
					newConf[d.key] = d.dst.id + ":" + v.name
					if d.opts != "" {
						newConf[d.key] += "," + d.opts
					}
				}
				ng.conf = newConf
				ng.resized()
				release()
				if pool != "" {
					if p := s.st.pools[pool]; p != nil {
						s.addToPool(p, ng)
					}
				}
				return nil
			})
		})
	return upidResult(t)
}

// clonedConf is the new guest's config: the source's without snapshot
// state, template flag, unused disks and disks (added by the task), with
// fresh MACs, UUIDs and the requested name and description.
func (s *Server) clonedConf(src *guest, srcConf map[string]string, c *call) map[string]string {
	out := map[string]string{}
	for k, v := range srcConf {
		switch {
		case k == "parent" || k == "snaptime" || k == "vmstate" || k == "snapstate" || k == "runningcpu" ||
			k == "runningmachine" || k == "template" || k == "lock":
			continue
		case len(k) > 6 && k[:6] == "unused":
			continue
		case isNetKey(k):
			out[k] = withNetMAC(src.kind, v, s.ids.mac())
		default:
			out[k] = v
		}
	}
	if src.kind == kindQEMU {
		out["smbios1"] = setProp(out["smbios1"], "uuid", s.ids.uuid())
		if out["vmgenid"] != "" {
			out["vmgenid"] = s.ids.uuid()
		}
		if n := c.str("name"); n != "" {
			out["name"] = n
		} else {
			out["name"] = "Copy-of-VM-" + src.name()
		}
	} else if h := c.str("hostname"); h != "" {
		out["hostname"] = h
	}
	if d := c.str("description"); d != "" {
		out["description"] = d
	}
	return out
}

// startCloneOntoTakenVMID starts a clone whose VMID a guest on another node
// holds: the task runs for a linked clone's time and fails as Proxmox's
// does when it renames the new config into place (PVE::Tools
// file_set_contents over pmxcfs), leaving the other guest as it was.
func (s *Server) startCloneOntoTakenVMID(c *call, src *guest, newid int, targetNode string) any {
	typ, dir := "qmclone", "qemu-server"
	if src.kind == kindLXC {
		typ, dir = "vzclone", "lxc"
	}
	dur := s.dur.CloneLinked
	t := s.startTask(taskSpec{node: src.node, typ: typ, id: strconv.Itoa(src.vmid), user: c.user, nominal: dur},
		func(r *taskRun) error {
			if err := r.sleep(dur); err != nil {
				return fmt.Errorf("clone failed: %s", err.Error())
			}
			return fmt.Errorf("clone failed: close (rename) atomic file '/etc/pve/nodes/%s/%s/%d.conf' failed: File exists",
				targetNode, dir, newid)
		})
	return t.upid
}

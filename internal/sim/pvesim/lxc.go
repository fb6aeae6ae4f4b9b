package pvesim

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ctCreateSkip are POST /nodes/{node}/lxc parameters that are not config keys.
var ctCreateSkip = map[string]bool{
	"node": true, "vmid": true, "ostemplate": true, "storage": true, "start": true, "password": true,
	"ssh-public-keys": true, "pool": true, "force": true, "restore": true, "unique": true,
	"ignore-unpack-errors": true, "bwlimit": true, "ha-managed": true, "rootfs": true,
}

var sizeOnly = regexp.MustCompile(`^\d+(\.\d+)?$`)

// createContainer serves POST /nodes/{node}/lxc: Proxmox's synchronous
// checks (VMID unused, pool, rootfs storage), a config locked "create", and a
// vzcreate task that takes the storage lock, allocates the root disk and
// extracts the template. With start=1 the vzcreate task ends by starting a
// separate vzstart task, as create_vm does through vm_start; a start that
// fails leaves the container in place, stopped.
func (s *Server) createContainer(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	nodeName := c.str("node")
	vmid, _ := c.int("vmid")
	if g := s.st.guests[vmid]; g != nil {
		return nil, errf("%s %d already exists on node '%s'", g.typeWord(), vmid, g.node)
	}
	pool := c.str("pool")
	if e := s.checkPool(pool); e != nil {
		return nil, e
	}
	storeID := c.str("storage")
	if storeID == "" {
		storeID = "local"
	}
	rootfs := c.str("rootfs")
	if rootfs == "" {
		rootfs = storeID + ":4"
	} else if first, _, _ := cutComma(rootfs); sizeOnly.MatchString(first) {
		rootfs = storeID + ":" + rootfs
	}
	spec, opts, _ := cutComma(rootfs)
	rootStoreID, sizeGB, _ := strings.Cut(spec, ":")
	rootStore := s.st.storageOn(nodeName, rootStoreID)
	if rootStore == nil {
		return nil, errf("storage '%s' does not exist", rootStoreID)
	}
	if !rootStore.hasContent("rootdir") {
		return nil, paramErr(map[string]string{"storage": "storage '" + rootStoreID + "' does not support container directories"})
	}
	size, err := parseSize(sizeGB + "G")
	if err != nil || size == 0 {
		return nil, paramErr(map[string]string{"rootfs": "invalid size '" + sizeGB + "'"})
	}
	ostemplate := c.str("ostemplate")
	conf := map[string]string{"arch": "amd64", "memory": "512", "swap": "512", "ostype": guessOSType(ostemplate)}
	for k, v := range c.params {
		if ctCreateSkip[k] {
			continue
		}
		if isNetKey(k) {
			if netMAC(kindLXC, v) == "" {
				v = withNetMAC(kindLXC, v, s.ids.mac())
			} else {
				s.ids.macs[netMAC(kindLXC, v)] = true
			}
		}
		if k == "tags" {
			v = normalizeTags(v)
		}
		conf[k] = v
	}
	// create_vm makes a new container unprivileged unless told otherwise
	// (a restore keeps the backup's setting); a privileged one is stored
	// without the key.
	if c.has("unprivileged") && !c.bool("unprivileged") || !c.has("unprivileged") && c.bool("restore") {
		delete(conf, "unprivileged")
	} else {
		conf["unprivileged"] = "1"
	}
	if conf["hostname"] == "" {
		conf["hostname"] = "CT" + strconv.Itoa(vmid)
	}
	conf["lock"] = "create"
	g := &guest{kind: kindLXC, vmid: vmid, node: nodeName, conf: conf, status: "stopped", snapshots: map[string]*snapshot{}}
	for _, k := range strings.Split(c.str("ssh-public-keys"), "\n") {
		if k = strings.TrimSpace(k); k != "" {
			g.authorizedKeys = append(g.authorizedKeys, k)
		}
	}
	s.st.guests[vmid] = g
	startAfter := c.bool("start")
	var vol *volume
	cleanup := func() {
		if vol != nil {
			s.st.freeVolume(rootStore, vol.name)
		}
		if s.st.guests[vmid] == g {
			delete(s.st.guests, vmid)
		}
	}
	t := s.startTask(taskSpec{node: nodeName, typ: "vzcreate", id: itoa(vmid), user: c.user, nominal: s.dur.CreateCT, cleanup: cleanup},
		func(r *taskRun) error {
			fail := func(err error) error { return fmt.Errorf("unable to create CT %d - %s", vmid, err.Error()) }
			release, err := r.storageLock(rootStore)
			if err != nil {
				return fail(err)
			}
			err = r.locked(func() error {
				tstore, tname, ok := parseVolID(ostemplate)
				st := s.st.storageOn(nodeName, tstore)
				if !ok || st == nil || st.volumes[tname] == nil {
					return fmt.Errorf("volume '%s' does not exist", ostemplate)
				}
				vol = s.st.allocVolume(rootStore, vmid, kindLXC, size, false, "", time.Now())
				r.t.log = append(r.t.log, "  Logical volume \""+vol.name+"\" created.",
					"Creating filesystem with "+strconv.FormatUint(size/4096, 10)+" 4k blocks")
				if st.volumes[tname].oci {
					r.t.log = append(r.t.log, "Detected OCI archive")
				} else {
					r.t.log = append(r.t.log, "extracting archive '/var/lib/vz/template/cache/"+strings.TrimPrefix(tname, "vztmpl/")+"'")
				}
				return nil
			})
			if err != nil {
				release()
				return fail(err)
			}
			err = r.sleep(s.dur.CreateCT)
			release()
			if err != nil {
				return fail(err)
			}
			err = r.locked(func() error {
				g.conf["rootfs"] = rootStore.id + ":" + vol.name + ",size=" + formatSize(size)
				if opts != "" {
					g.conf["rootfs"] += "," + opts
				}
				g.resized()
				r.t.log = append(r.t.log, "Detected container architecture: amd64",
					"Creating SSH host key 'ssh_host_ed25519_key' - this may take some time ...")
				delete(g.conf, "lock")
				if p := s.st.pools[pool]; p != nil {
					s.addToPool(p, g)
				}
				return nil
			})
			if err != nil || !startAfter {
				return err
			}
			return r.locked(func() error { s.startCreated(c.user, g); return nil })
		})
	return upidResult(t), nil
}

// startCreated starts the vzstart task of a container just created with
// start=1. The caller holds Server.mu.
func (s *Server) startCreated(user string, g *guest) {
	node, vmid, dur := g.node, g.vmid, s.powerDuration(kindLXC, "start")
	spec := taskSpec{node: node, typ: powerTaskTypes[kindLXC]["start"], id: itoa(vmid), user: user, nominal: dur}
	s.startTask(spec, func(r *taskRun) error {
		return s.runPowerAction(r, kindLXC, "start", node, vmid, dur, false, false)
	})
}

// guessOSType derives the container OS type from the template file name.
func guessOSType(ostemplate string) string {
	name := ostemplate[strings.LastIndexByte(ostemplate, '/')+1:]
	for _, os := range []string{"debian", "ubuntu", "alpine", "centos", "fedora", "archlinux", "opensuse", "devuan", "gentoo", "nixos"} {
		if strings.HasPrefix(name, os) {
			return os
		}
	}
	if strings.HasPrefix(name, "rockylinux") || strings.HasPrefix(name, "almalinux") {
		return "centos"
	}
	return "unmanaged"
}

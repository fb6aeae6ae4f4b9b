package pvesim

import (
	"net/netip"
	"sort"
	"sync/atomic"
	"time"
)

// Guest kinds, as they appear in cluster/resources and pool members.
const (
	kindQEMU = "qemu"
	kindLXC  = "lxc"
)

// state is the simulated cluster. Every field is guarded by Server.mu.
type state struct {
	cluster   string
	version   SeedVersion
	nodes     map[string]*node
	nodeOrder []string
	storages  map[string]*storage // by storageKey
	guests    map[int]*guest
	pools     map[string]*pool
	bridges   map[string]*bridge
	tasks     map[string]*task
	taskOrder []*task
	users     map[string]string // userid → password
	tokens    map[string]string // token id → secret
	macs      map[string]bool   // every MAC handed out, upper case
}

// node is a cluster member.
type node struct {
	name     string
	nodeID   int
	cpus     int
	memory   uint64
	ip       string
	offline  bool // offline in the seed
	down     bool // made unreachable at runtime
	bootTime time.Time
	storages []string // storage IDs visible on this node, in seed order
	nextPID  int

	running    map[string]int // task type → running now
	maxRunning map[string]int // task type → most running at once
	totals     map[string]*TaskCounts
}

// unreachable reports whether requests routed to the node fail with 595/596.
func (n *node) unreachable() bool { return n.offline || n.down }

// storage is one storage; a shared storage is one object for all nodes.
type storage struct {
	id      string
	typ     string
	content []string
	total   uint64
	used    uint64
	shared  bool
	nodes   []string
	volumes map[string]*volume // by volume name
	// diskNames holds the disk names (vm-105-disk-0) in use, whatever
	// directory or extension their volume has.
	diskNames map[string]bool
	lockSlot  chan struct{} // storage-lock slots; nil means unlimited
}

// fileBased reports whether the storage keeps volumes as files under a
// path (Proxmox's $scfg->{path}), as dir, NFS, CIFS, CephFS and
// GlusterFS storages do.
func (st *storage) fileBased() bool {
	switch st.typ {
	case "dir", "nfs", "cifs", "cephfs", "glusterfs", "btrfs":
		return true
	}
	return false
}

// hasContent reports whether the storage accepts the content type.
func (st *storage) hasContent(c string) bool {
	for _, x := range st.content {
		if x == c {
			return true
		}
	}
	return false
}

// volume is a disk image, container template or other file on a storage.
type volume struct {
	name    string // vm-105-disk-0, base-9000-disk-0, vztmpl/debian-....tar.zst
	content string // images, rootdir, vztmpl, iso, backup
	format  string
	size    uint64
	used    uint64 // bytes it takes on the storage (0 for a fresh linked clone)
	vmid    int
	base    string // base volume name of a linked clone
	ctime   int64
	oci     bool // a vztmpl pulled from an OCI registry (an OCI archive)
}

// guest is a QEMU VM or LXC container. conf holds the config file's keys
// with their string values, exactly as Proxmox stores them.
type guest struct {
	kind      string
	vmid      int
	node      string
	conf      map[string]string
	status    string // running or stopped
	paused    bool
	startedAt time.Time
	pid       int
	pool      string
	// authorizedKeys are the SSH keys a container's create wrote into its
	// root's authorized_keys (ssh-public-keys; not part of the config).
	authorizedKeys []string
	snapshots      map[string]*snapshot
	snapOrder      []string
	// sharedLocks counts tasks holding the config flock shared (clones of
	// this guest); exclusive operations wait for them.
	sharedLocks int
	// flockHeld is set while a worker holds the config flock exclusively.
	flockHeld bool
	// sizes caches figures derived from conf; whoever changes disks,
	// memory or CPUs in conf calls resized. It is atomic because readers
	// holding only Server.mu's read lock fill it.
	sizes atomic.Pointer[guestSizes]
}

// guestSizes are a guest's resource figures derived from its config.
type guestSizes struct {
	maxdisk uint64
	maxmem  uint64
	cpus    int
}

// resized drops the cached figures after a config change. The caller
// holds Server.mu for writing.
func (g *guest) resized() { g.sizes.Store(nil) }

// figures returns the cached resource figures, computing them if needed.
// The caller holds Server.mu, for reading at least: concurrent readers may
// both compute the figures, and they compute the same ones.
func (st *state) figures(g *guest) *guestSizes {
	if f := g.sizes.Load(); f != nil {
		return f
	}
	f := &guestSizes{maxdisk: st.bootDiskSize(g), maxmem: g.maxmem(), cpus: g.cpus()}
	g.sizes.Store(f)
	return f
}

// snapshot is a guest snapshot with the config it captured.
type snapshot struct {
	name        string
	description string
	parent      string
	snaptime    int64
	vmstate     bool
	conf        map[string]string
}

// pool is a resource pool.
type pool struct {
	id       string
	comment  string
	vms      map[int]bool
	storages map[string]bool
}

// bridge is a Linux bridge with the DHCP range behind it.
type bridge struct {
	name    string
	prefix  netip.Prefix
	gateway netip.Addr
	start   netip.Addr
	end     netip.Addr
	leases  map[string]netip.Addr // MAC (upper case) → address
	taken   map[netip.Addr]string
	// hostsFile is the dhcp-hostsfile read at each guest start; "" for none.
	hostsFile string
}

// storageKey names a storage as seen from a node: shared storages by ID,
// node-local ones by node and ID.
func storageKey(nodeName, id string, shared bool) string {
	if shared {
		return id
	}
	return nodeName + "/" + id
}

// storageOn returns the storage with the given ID as node sees it.
func (st *state) storageOn(nodeName, id string) *storage {
	if s, ok := st.storages[id]; ok && s.shared {
		for _, n := range s.nodes {
			if n == nodeName {
				return s
			}
		}
		return nil
	}
	return st.storages[nodeName+"/"+id]
}

// guestOn returns the guest of the given kind with vmid on node, as
// load_config on that node would find it.
func (st *state) guestOn(nodeName, kind string, vmid int) *guest {
	g := st.guests[vmid]
	if g == nil || g.node != nodeName || g.kind != kind {
		return nil
	}
	return g
}

// sortedPoolIDs returns pool IDs in order.
func (st *state) sortedPoolIDs() []string {
	ids := make([]string, 0, len(st.pools))
	for id := range st.pools {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// sortedVMIDs returns all guest IDs in order.
func (st *state) sortedVMIDs() []int {
	ids := make([]int, 0, len(st.guests))
	for id := range st.guests {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

// nodeMemUsed is the memory the node's host and running guests take.
func (st *state) nodeMemUsed(n *node) uint64 {
	used := n.memory / 32 // host services
	for _, g := range st.guests {
		if g.node == n.name && g.status == "running" {
			used += g.maxmem()
		}
	}
	return used
}

package pvesim

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// idgen hands out MAC addresses, UUIDs and PIDs from the seeded random
// source. It is guarded by Server.mu.
type idgen struct {
	rng  *rand.Rand
	macs map[string]bool
}

// mac returns a fresh MAC address with Proxmox's default prefix BC:24:11.
func (g *idgen) mac() string {
	for {
		v := g.rng.Uint32()
		m := fmt.Sprintf("BC:24:11:%02X:%02X:%02X", byte(v>>16), byte(v>>8), byte(v))
		if !g.macs[m] {
			g.macs[m] = true
			return m
		}
	}
}

// uuid returns a random version-4 UUID.
func (g *idgen) uuid() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := g.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// buildState creates the cluster described by seed.
func buildState(seed *Seed, ids *idgen, lockLimit int, now time.Time) (*state, error) {
	st := &state{
		cluster:  seed.Cluster,
		version:  seed.Version,
		nodes:    map[string]*node{},
		storages: map[string]*storage{},
		guests:   map[int]*guest{},
		pools:    map[string]*pool{},
		bridges:  map[string]*bridge{},
		tasks:    map[string]*task{},
		users:    map[string]string{},
		tokens:   map[string]string{},
		macs:     ids.macs,
	}
	if st.cluster == "" {
		st.cluster = "lab"
	}
	if st.version.Release == "" {
		st.version = SeedVersion{Release: "9.1", Version: "9.1.1", RepoID: "42e2b09ad4c1f39b"}
	}
	for _, u := range seed.Users {
		st.users[u.UserID] = u.Password
	}
	for _, t := range seed.Tokens {
		st.tokens[t.ID] = t.Secret
	}
	if len(seed.Nodes) == 0 {
		return nil, fmt.Errorf("seed has no nodes")
	}
	for i, sn := range seed.Nodes {
		if err := st.addNode(sn, i+1, lockLimit, now); err != nil {
			return nil, err
		}
	}
	for _, sb := range seed.Bridges {
		b, err := newBridge(sb)
		if err != nil {
			return nil, err
		}
		st.bridges[b.name] = b
	}
	for _, sp := range seed.Pools {
		st.pools[sp.ID] = &pool{id: sp.ID, comment: sp.Comment, vms: map[int]bool{}, storages: map[string]bool{}}
	}
	for _, ct := range seed.CTTemplates {
		if err := st.addCTTemplate(ct, now); err != nil {
			return nil, err
		}
	}
	for _, t := range seed.Templates {
		g := SeedGuest{VMID: t.VMID, Node: t.Node, Type: kindQEMU, Name: t.Name, OSType: t.OSType, Cores: t.Cores,
			Memory: t.Memory, Disk: t.Disk, Storage: t.Storage, Bridge: t.Bridge, Pool: t.Pool, Template: true}
		if t.NoAgent {
			g.Config = map[string]string{"agent": "0"}
		}
		if err := st.addSeedGuest(g, ids, now); err != nil {
			return nil, err
		}
	}
	for _, g := range seed.Guests {
		if err := st.addSeedGuest(g, ids, now); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (st *state) addNode(sn SeedNode, id, lockLimit int, now time.Time) error {
	if sn.Name == "" {
		return fmt.Errorf("seed node without name")
	}
	if _, dup := st.nodes[sn.Name]; dup {
		return fmt.Errorf("seed node %q listed twice", sn.Name)
	}
	n := &node{
		name: sn.Name, nodeID: id, cpus: max(sn.CPUs, 1), memory: sn.Memory, ip: sn.IP,
		offline: sn.Status == "offline", bootTime: now.Add(-72 * time.Hour), nextPID: 40000 + 1000*id,
		running: map[string]int{}, maxRunning: map[string]int{}, totals: map[string]*TaskCounts{},
	}
	if n.memory == 0 {
		n.memory = 64 << 30
	}
	if n.ip == "" {
		n.ip = "192.168.100." + strconv.Itoa(10+id)
	}
	for _, ss := range sn.Storages {
		key := storageKey(sn.Name, ss.ID, ss.Shared)
		if existing, ok := st.storages[key]; ok && ss.Shared {
			existing.nodes = append(existing.nodes, sn.Name)
		} else {
			st.storages[key] = &storage{
				id: ss.ID, typ: ss.Type, content: splitList(ss.Content), total: ss.Total, used: ss.Used,
				shared: ss.Shared, nodes: []string{sn.Name}, volumes: map[string]*volume{}, diskNames: map[string]bool{},
				lockSlot: newLockSlots(lockLimit),
			}
		}
		n.storages = append(n.storages, ss.ID)
	}
	st.nodes[n.name] = n
	st.nodeOrder = append(st.nodeOrder, n.name)
	return nil
}

// newLockSlots returns the storage-lock semaphore for the given limit.
func newLockSlots(limit int) chan struct{} {
	if limit <= 0 {
		return nil
	}
	return make(chan struct{}, limit)
}

func newBridge(sb SeedBridge) (*bridge, error) {
	pfx, err := netip.ParsePrefix(sb.CIDR)
	if err != nil {
		return nil, fmt.Errorf("bridge %s: %w", sb.Name, err)
	}
	b := &bridge{name: sb.Name, prefix: pfx.Masked(), leases: map[string]netip.Addr{}, taken: map[netip.Addr]string{},
		hostsFile: sb.DHCPHostsFile}
	if sb.Gateway != "" {
		if b.gateway, err = netip.ParseAddr(sb.Gateway); err != nil {
			return nil, fmt.Errorf("bridge %s gateway: %w", sb.Name, err)
		}
		b.taken[b.gateway] = "gateway"
	}
	b.start = b.prefix.Addr().Next()
	if sb.PoolStart != "" {
		if b.start, err = netip.ParseAddr(sb.PoolStart); err != nil {
			return nil, fmt.Errorf("bridge %s pool_start: %w", sb.Name, err)
		}
	}
	if sb.PoolEnd != "" {
		if b.end, err = netip.ParseAddr(sb.PoolEnd); err != nil {
			return nil, fmt.Errorf("bridge %s pool_end: %w", sb.Name, err)
		}
	}
	return b, nil
}

func (st *state) addCTTemplate(ct SeedCTTemplate, now time.Time) error {
	for _, nn := range st.nodeOrder {
		if ct.Node != "" && ct.Node != nn {
			continue
		}
		s := st.storageOn(nn, ct.Storage)
		if s == nil {
			return fmt.Errorf("ct template %s: no storage %q on node %s", ct.File, ct.Storage, nn)
		}
		name := "vztmpl/" + ct.File
		if _, ok := s.volumes[name]; ok {
			continue
		}
		size := ct.Size
		if size == 0 {
			size = 120 << 20
		}
		format := "tzst"
		if i := strings.LastIndex(ct.File, ".tar."); i >= 0 {
			format = "t" + ct.File[i+len(".tar."):]
		}
		s.volumes[name] = &volume{name: name, content: "vztmpl", format: format, size: size, used: size, ctime: now.Add(-30 * 24 * time.Hour).Unix()}
		s.used += size
	}
	return nil
}

// addSeedGuest creates a seeded VM, template or container with its disk.
func (st *state) addSeedGuest(sg SeedGuest, ids *idgen, now time.Time) error {
	kind := sg.Type
	if kind == "" {
		kind = kindQEMU
	}
	if kind != kindQEMU && kind != kindLXC {
		return fmt.Errorf("guest %d: type must be qemu or lxc", sg.VMID)
	}
	if sg.VMID < 100 {
		return fmt.Errorf("guest %d: vmid must be at least 100", sg.VMID)
	}
	if _, dup := st.guests[sg.VMID]; dup {
		return fmt.Errorf("guest %d listed twice", sg.VMID)
	}
	if _, ok := st.nodes[sg.Node]; !ok {
		return fmt.Errorf("guest %d: unknown node %q", sg.VMID, sg.Node)
	}
	storeID := sg.Storage
	if storeID == "" {
		storeID = "local-lvm"
	}
	s := st.storageOn(sg.Node, storeID)
	if s == nil {
		return fmt.Errorf("guest %d: no storage %q on node %s", sg.VMID, storeID, sg.Node)
	}
	defaultDisk := "32G"
	if kind == kindLXC {
		defaultDisk = "8G"
	}
	size, err := parseSize(defaultStr(sg.Disk, defaultDisk))
	if err != nil {
		return fmt.Errorf("guest %d: %w", sg.VMID, err)
	}
	mac := strings.ToUpper(sg.MAC)
	if mac == "" {
		mac = ids.mac()
	}
	ids.macs[mac] = true
	bridgeName := defaultStr(sg.Bridge, "vmbr0")
	g := &guest{kind: kind, vmid: sg.VMID, node: sg.Node, status: "stopped", snapshots: map[string]*snapshot{}}
	vol := st.allocVolume(s, sg.VMID, kind, size, sg.Template, "", now)
	if kind == kindQEMU {
		g.conf = map[string]string{
			"name": defaultStr(sg.Name, "vm"+strconv.Itoa(sg.VMID)), "ostype": defaultStr(sg.OSType, "l26"),
			"cores": strconv.Itoa(max(sg.Cores, 1)), "sockets": "1", "memory": strconv.Itoa(defaultInt(sg.Memory, 2048)),
			"cpu": "x86-64-v2-AES", "scsihw": "virtio-scsi-single", "numa": "0", "agent": "1",
			"scsi0": s.id + ":" + vol.name + ",iothread=1,size=" + formatSize(size),
			"net0":  "virtio=" + mac + ",bridge=" + bridgeName + ",firewall=1",
			"boot":  "order=scsi0;net0", "smbios1": "uuid=" + ids.uuid(), "vmgenid": ids.uuid(),
			"meta": "creation-qemu=9.2.0,ctime=" + strconv.FormatInt(now.Add(-7*24*time.Hour).Unix(), 10),
		}
	} else {
		g.conf = map[string]string{
			"arch": "amd64", "hostname": defaultStr(sg.Name, "ct"+strconv.Itoa(sg.VMID)),
			"ostype": defaultStr(sg.OSType, "debian"), "cores": strconv.Itoa(max(sg.Cores, 1)),
			"memory": strconv.Itoa(defaultInt(sg.Memory, 512)), "swap": "512", "unprivileged": "1",
			"rootfs": s.id + ":" + vol.name + ",size=" + formatSize(size),
			"net0":   "name=eth0,bridge=" + bridgeName + ",hwaddr=" + mac + ",ip=dhcp,type=veth",
		}
	}
	if sg.Template {
		g.conf["template"] = "1"
	}
	if sg.Tags != "" {
		g.conf["tags"] = sg.Tags
	}
	for k, v := range sg.Config {
		g.conf[k] = v
	}
	st.guests[g.vmid] = g
	if sg.Pool != "" {
		p, ok := st.pools[sg.Pool]
		if !ok {
			return fmt.Errorf("guest %d: unknown pool %q", sg.VMID, sg.Pool)
		}
		p.vms[g.vmid] = true
		g.pool = sg.Pool
	}
	if sg.Status == "running" && !sg.Template {
		g.status = "running"
		g.startedAt = now.Add(-time.Hour)
	}
	return nil
}

// allocVolume creates a disk volume for vmid on s, named the way the
// storage type names it, and accounts its space. base, when set, makes it a
// linked clone of that base volume taking no space yet.
func (st *state) allocVolume(s *storage, vmid int, kind string, size uint64, isBase bool, base string, now time.Time) *volume {
	prefix := "vm"
	if isBase {
		prefix = "base"
	}
	content := "images"
	if kind == kindLXC {
		content = "rootdir"
	}
	fileStorage := s.fileBased()
	var name string
	for i := 0; ; i++ {
		disk := prefix + "-" + strconv.Itoa(vmid) + "-disk-" + strconv.Itoa(i)
		if fileStorage {
			ext := ".qcow2"
			if kind == kindLXC {
				ext = ".raw"
			}
			name = strconv.Itoa(vmid) + "/" + disk + ext
			if base != "" {
				name = base + "/" + name
			}
		} else {
			name = disk
		}
		if _, taken := s.volumes[name]; !taken && !s.diskNames[disk] {
			break
		}
	}
	format := "raw"
	if fileStorage && kind == kindQEMU {
		format = "qcow2"
	}
	used := size
	if base != "" {
		used = 0
	}
	v := &volume{name: name, content: content, format: format, size: size, used: used, vmid: vmid, base: base, ctime: now.Unix()}
	s.volumes[name] = v
	s.diskNames[diskName(name)] = true
	s.used += used
	return v
}

// freeVolume removes a volume and gives its space back.
func (st *state) freeVolume(s *storage, name string) {
	if v, ok := s.volumes[name]; ok {
		s.used -= min(v.used, s.used)
		delete(s.volumes, name)
		delete(s.diskNames, diskName(name))
	}
}

// diskName is a volume's disk name without directories and extension
// (vm-105-disk-0), unique per storage.
func diskName(volname string) string {
	d := volname[strings.LastIndexByte(volname, '/')+1:]
	if i := strings.LastIndexByte(d, '.'); i > 0 {
		d = d[:i]
	}
	return d
}

func defaultStr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func defaultInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

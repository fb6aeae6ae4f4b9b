package pvesim

import (
	"crypto/sha1"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
)

// typeWord is how Proxmox names the guest kind in messages: VM or CT.
func (g *guest) typeWord() string {
	if g.kind == kindLXC {
		return "CT"
	}
	return "VM"
}

// cfsPath is the config file path relative to /etc/pve, as in Proxmox's
// "Configuration file '...' does not exist".
func cfsPath(nodeName, kind string, vmid int) string {
	dir := "qemu-server"
	if kind == kindLXC {
		dir = "lxc"
	}
	return "nodes/" + nodeName + "/" + dir + "/" + strconv.Itoa(vmid) + ".conf"
}

// lockFile is the flock file Proxmox uses for a guest's config.
func lockFile(kind string, vmid int) string {
	if kind == kindLXC {
		return "/run/lock/lxc/pve-config-" + strconv.Itoa(vmid) + ".lock"
	}
	return "/var/lock/qemu-server/lock-" + strconv.Itoa(vmid) + ".conf"
}

func (g *guest) isTemplate() bool { return g.conf["template"] == "1" }

func (g *guest) lock() string { return g.conf["lock"] }

// name is the display name Proxmox reports.
func (g *guest) name() string {
	if g.kind == kindLXC {
		if h := g.conf["hostname"]; h != "" {
			return h
		}
		return "CT" + strconv.Itoa(g.vmid)
	}
	if n := g.conf["name"]; n != "" {
		return n
	}
	return "VM " + strconv.Itoa(g.vmid)
}

// maxmem is the configured memory in bytes.
func (g *guest) maxmem() uint64 {
	m := g.conf["memory"]
	if m == "" {
		return 512 << 20
	}
	if i := strings.Index(m, "current="); i >= 0 {
		m = m[i+len("current="):]
	}
	if i := strings.IndexByte(m, ','); i >= 0 {
		m = m[:i]
	}
	n, err := strconv.ParseUint(m, 10, 64)
	if err != nil {
		return 512 << 20
	}
	return n << 20
}

// cpus is the number of virtual CPUs.
func (g *guest) cpus() int {
	cores, _ := strconv.Atoi(g.conf["cores"])
	if cores == 0 {
		cores = 1
	}
	if g.kind == kindQEMU {
		if s, _ := strconv.Atoi(g.conf["sockets"]); s > 1 {
			cores *= s
		}
		if v, _ := strconv.Atoi(g.conf["vcpus"]); v > 0 {
			cores = v
		}
	}
	return cores
}

// indexedKey reports whether k is prefix followed by one or more digits.
func indexedKey(k, prefix string) bool {
	if len(k) <= len(prefix) || k[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(k); i++ {
		if k[i] < '0' || k[i] > '9' {
			return false
		}
	}
	return true
}

// isNetKey reports whether k is a net[n] key.
func isNetKey(k string) bool { return indexedKey(k, "net") }

// isDiskKey reports whether config key k with value v is a disk volume of
// the given guest kind (CD-ROMs are not).
func isDiskKey(kind, k, v string) bool {
	if kind == kindLXC {
		return k == "rootfs" || indexedKey(k, "mp")
	}
	if !(indexedKey(k, "scsi") || indexedKey(k, "virtio") || indexedKey(k, "sata") || indexedKey(k, "ide") ||
		k == "efidisk0" || k == "tpmstate0") {
		return false
	}
	return !strings.Contains(v, "media=cdrom") && !strings.HasPrefix(v, "none")
}

// diskKeys returns the config keys that hold disk volumes, sorted.
func (g *guest) diskKeys() []string {
	var keys []string
	for k, v := range g.conf {
		if isDiskKey(g.kind, k, v) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// netKeys returns the net[n] keys, sorted.
func (g *guest) netKeys() []string {
	var keys []string
	for k := range g.conf {
		if isNetKey(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// bootDiskSize is the size of the first disk (rootfs for containers), as
// maxdisk reports it. It does not allocate: cluster/resources calls it for
// every guest.
func (st *state) bootDiskSize(g *guest) uint64 {
	first, val := "", ""
	for k, v := range g.conf {
		if isDiskKey(g.kind, k, v) && (first == "" || k < first || g.kind == kindLXC && k == "rootfs") {
			if g.kind == kindLXC && first == "rootfs" {
				continue
			}
			first, val = k, v
		}
	}
	if first == "" {
		return 0
	}
	sz, err := parseSize(propValue(val, "size"))
	if err != nil {
		return 0
	}
	return sz
}

// prop is one key=value (or bare value) of a Proxmox property string.
type prop struct{ k, v string }

// parseProps splits a property string such as
// "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1".
func parseProps(s string) []prop {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]prop, 0, len(parts))
	for _, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			out = append(out, prop{k: "", v: k})
			continue
		}
		out = append(out, prop{k: k, v: v})
	}
	return out
}

// formatProps joins properties back into a property string.
func formatProps(ps []prop) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		if p.k != "" {
			b.WriteString(p.k)
			b.WriteByte('=')
		}
		b.WriteString(p.v)
	}
	return b.String()
}

// propValue returns the value of key in a property string.
func propValue(s, key string) string {
	for s != "" {
		part := s
		if i := strings.IndexByte(s, ','); i >= 0 {
			part, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if k, v, ok := strings.Cut(part, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// setProp sets key in a property string, appending it when absent.
func setProp(s, key, val string) string {
	ps := parseProps(s)
	for i := range ps {
		if ps[i].k == key {
			ps[i].v = val
			return formatProps(ps)
		}
	}
	return formatProps(append(ps, prop{k: key, v: val}))
}

// qemuNICModels are the net[n] models that carry the MAC as model=MAC.
var qemuNICModels = map[string]bool{"virtio": true, "e1000": true, "e1000e": true, "rtl8139": true, "vmxnet3": true, "i82551": true, "i82557b": true, "i82559er": true, "ne2k_isa": true, "ne2k_pci": true, "pcnet": true}

// netMAC returns the MAC address of a net[n] value of the given guest kind.
func netMAC(kind, val string) string {
	for _, p := range parseProps(val) {
		if kind == kindLXC && p.k == "hwaddr" {
			return strings.ToUpper(p.v)
		}
		if kind == kindQEMU && qemuNICModels[p.k] {
			return strings.ToUpper(p.v)
		}
		if kind == kindQEMU && p.k == "macaddr" {
			return strings.ToUpper(p.v)
		}
	}
	return ""
}

// withNetMAC returns a net[n] value with its MAC set to mac.
func withNetMAC(kind, val, mac string) string {
	ps := parseProps(val)
	if kind == kindLXC {
		return setProp(val, "hwaddr", mac)
	}
	for i, p := range ps {
		if p.k == "" && qemuNICModels[p.v] {
			ps[i] = prop{k: p.v, v: mac}
			return formatProps(ps)
		}
		if qemuNICModels[p.k] {
			ps[i].v = mac
			return formatProps(ps)
		}
		if p.k == "model" && qemuNICModels[p.v] {
			ps = append(ps[:i], ps[i+1:]...)
			return formatProps(append([]prop{{k: p.v, v: mac}}, ps...))
		}
	}
	return formatProps(append([]prop{{k: "virtio", v: mac}}, ps...))
}

// macs returns the guest's MAC addresses by net key.
func (g *guest) macs() map[string]string {
	out := map[string]string{}
	for _, k := range g.netKeys() {
		if m := netMAC(g.kind, g.conf[k]); m != "" {
			out[k] = m
		}
	}
	return out
}

// digest is the SHA-1 of the config as Proxmox computes it over the file.
func confDigest(conf map[string]string) string {
	keys := make([]string, 0, len(conf))
	for k := range conf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha1.New()
	for _, k := range keys {
		h.Write([]byte(k + ": " + conf[k] + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// numericConfKeys are config keys Proxmox returns as JSON numbers, per the
// PVE 9.1 schema of GET .../config (booleans are 0/1 integers on the wire).
var numericConfKeys = map[string]map[string]bool{
	kindQEMU: {
		"acpi": true, "allow-ksm": true, "autostart": true, "balloon": true, "ciupgrade": true,
		"cores": true, "cpulimit": true, "cpuunits": true, "freeze": true, "keephugepages": true,
		"kvm": true, "localtime": true, "migrate_downtime": true, "migrate_speed": true,
		"numa": true, "onboot": true, "protection": true, "reboot": true, "shares": true,
		"smp": true, "snaptime": true, "sockets": true, "tablet": true, "tdf": true,
		"template": true, "vcpus": true,
	},
	kindLXC: {
		"console": true, "cores": true, "cpulimit": true, "cpuunits": true, "debug": true,
		"memory": true, "onboot": true, "protection": true, "swap": true, "template": true,
		"tty": true, "unprivileged": true,
	},
}

// renderConf returns the config as GET .../config answers it: numbers for
// numeric keys, strings otherwise, plus the digest.
func renderConf(kind string, conf map[string]string) map[string]any {
	out := make(map[string]any, len(conf)+1)
	num := numericConfKeys[kind]
	for k, v := range conf {
		if num[k] {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				out[k] = jsonNumber(v, f)
				continue
			}
		}
		out[k] = v
	}
	out["digest"] = confDigest(conf)
	return out
}

// jsonNumber keeps integers integral on the wire.
func jsonNumber(raw string, f float64) any {
	if i, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return i
	}
	return f
}

// cloneConf copies a config map.
func cloneConf(c map[string]string) map[string]string {
	out := make(map[string]string, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// splitList splits Proxmox lists separated by commas, semicolons or spaces.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' })
}

// sortedCopy returns a sorted copy of ss.
func sortedCopy(ss []string) []string {
	out := append([]string(nil), ss...)
	sort.Strings(out)
	return out
}

// itoa formats an int.
func itoa(i int) string { return strconv.Itoa(i) }

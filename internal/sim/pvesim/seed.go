package pvesim

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Seed is the initial state of a simulated cluster. It is read from YAML (or
// JSON, which YAML accepts); cmd/pvesim/seed.example.yaml documents every field.
type Seed struct {
	Cluster   string  `json:"cluster" yaml:"cluster"`
	TimeScale float64 `json:"time_scale,omitempty" yaml:"time_scale,omitempty"`
	// Version is what /version reports; empty means 9.1.
	Version     SeedVersion      `json:"version,omitempty" yaml:"version,omitempty"`
	Users       []SeedUser       `json:"users" yaml:"users"`
	Tokens      []SeedToken      `json:"tokens" yaml:"tokens"`
	Nodes       []SeedNode       `json:"nodes" yaml:"nodes"`
	Bridges     []SeedBridge     `json:"bridges" yaml:"bridges"`
	Pools       []SeedPool       `json:"pools" yaml:"pools"`
	Templates   []SeedTemplate   `json:"templates" yaml:"templates"`
	CTTemplates []SeedCTTemplate `json:"ct_templates" yaml:"ct_templates"`
	Guests      []SeedGuest      `json:"guests" yaml:"guests"`
	Durations   Durations        `json:"durations,omitempty" yaml:"durations,omitempty"`
	Faults      Faults           `json:"faults,omitempty" yaml:"faults,omitempty"`
}

// SeedVersion is the answer of GET /version.
type SeedVersion struct {
	Release string `json:"release,omitempty" yaml:"release,omitempty"`
	Version string `json:"version,omitempty" yaml:"version,omitempty"`
	RepoID  string `json:"repoid,omitempty" yaml:"repoid,omitempty"`
}

// SeedUser is a user who may log in with POST /access/ticket.
type SeedUser struct {
	UserID   string `json:"userid" yaml:"userid"` // e.g. root@pam
	Password string `json:"password" yaml:"password"`
}

// SeedToken is an API token, used as "PVEAPIToken=<ID>=<Secret>".
type SeedToken struct {
	ID     string `json:"id" yaml:"id"` // e.g. root@pam!labforge
	Secret string `json:"secret" yaml:"secret"`
}

// SeedNode is a cluster node with its storages.
type SeedNode struct {
	Name   string `json:"name" yaml:"name"`
	CPUs   int    `json:"cpus" yaml:"cpus"`
	Memory uint64 `json:"memory" yaml:"memory"` // bytes
	// Status is online (default) or offline; an offline node answers 595.
	Status   string        `json:"status,omitempty" yaml:"status,omitempty"`
	IP       string        `json:"ip,omitempty" yaml:"ip,omitempty"`
	Storages []SeedStorage `json:"storages" yaml:"storages"`
}

// SeedStorage is a storage as one node sees it. A shared storage listed on
// several nodes is one storage.
type SeedStorage struct {
	ID      string `json:"id" yaml:"id"`
	Type    string `json:"type" yaml:"type"`       // dir, lvmthin, nfs, ...
	Content string `json:"content" yaml:"content"` // e.g. "images,rootdir"
	Total   uint64 `json:"total" yaml:"total"`     // bytes
	Used    uint64 `json:"used,omitempty" yaml:"used,omitempty"`
	Shared  bool   `json:"shared,omitempty" yaml:"shared,omitempty"`
}

// SeedBridge is a Linux bridge present on every node, with the IPv4 range a
// DHCP server on it hands out (guest agent and container interfaces report
// addresses from it).
type SeedBridge struct {
	Name      string `json:"name" yaml:"name"`
	CIDR      string `json:"cidr" yaml:"cidr"` // 10.10.0.0/24
	Gateway   string `json:"gateway,omitempty" yaml:"gateway,omitempty"`
	PoolStart string `json:"pool_start" yaml:"pool_start"` // 10.10.0.100
	PoolEnd   string `json:"pool_end,omitempty" yaml:"pool_end,omitempty"`
	// DHCPHostsFile, when set, is a dnsmasq dhcp-hostsfile (lines
	// "<MAC>,<IP>,<hostname>", optionally prefixed "dhcp-host=") such as
	// the site gateway writes. It is read whenever a guest on the bridge
	// starts: a line for the guest's MAC with an address inside CIDR
	// becomes its lease, as dnsmasq's reservation would; without one the
	// guest keeps its lease or gets one from the pool.
	DHCPHostsFile string `json:"dhcp_hosts_file,omitempty" yaml:"dhcp_hosts_file,omitempty"`
}

// SeedPool is a resource pool.
type SeedPool struct {
	ID      string `json:"id" yaml:"id"`
	Comment string `json:"comment,omitempty" yaml:"comment,omitempty"`
}

// SeedTemplate is a QEMU template VM.
type SeedTemplate struct {
	VMID    int    `json:"vmid" yaml:"vmid"`
	Node    string `json:"node" yaml:"node"`
	Name    string `json:"name" yaml:"name"`
	OSType  string `json:"ostype" yaml:"ostype"` // l26, win11, ...
	Cores   int    `json:"cores" yaml:"cores"`
	Memory  int    `json:"memory" yaml:"memory"` // MiB
	Disk    string `json:"disk" yaml:"disk"`     // size, e.g. 32G
	Storage string `json:"storage" yaml:"storage"`
	Bridge  string `json:"bridge,omitempty" yaml:"bridge,omitempty"`
	Pool    string `json:"pool,omitempty" yaml:"pool,omitempty"`
	// NoAgent leaves the QEMU guest agent disabled in the template.
	NoAgent bool `json:"no_agent,omitempty" yaml:"no_agent,omitempty"`
}

// SeedCTTemplate is a container template file (vztmpl) on a storage.
type SeedCTTemplate struct {
	Storage string `json:"storage" yaml:"storage"`
	File    string `json:"file" yaml:"file"` // debian-12-standard_12.7-1_amd64.tar.zst
	Size    uint64 `json:"size,omitempty" yaml:"size,omitempty"`
	// Node limits a non-shared storage's file to one node; empty means all.
	Node string `json:"node,omitempty" yaml:"node,omitempty"`
}

// SeedGuest is a VM or container that exists when the simulator starts.
type SeedGuest struct {
	VMID     int    `json:"vmid" yaml:"vmid"`
	Node     string `json:"node" yaml:"node"`
	Type     string `json:"type" yaml:"type"` // qemu (default) or lxc
	Name     string `json:"name" yaml:"name"`
	Status   string `json:"status,omitempty" yaml:"status,omitempty"` // running or stopped
	OSType   string `json:"ostype,omitempty" yaml:"ostype,omitempty"`
	Cores    int    `json:"cores,omitempty" yaml:"cores,omitempty"`
	Memory   int    `json:"memory,omitempty" yaml:"memory,omitempty"` // MiB
	Disk     string `json:"disk,omitempty" yaml:"disk,omitempty"`
	Storage  string `json:"storage,omitempty" yaml:"storage,omitempty"`
	Bridge   string `json:"bridge,omitempty" yaml:"bridge,omitempty"`
	MAC      string `json:"mac,omitempty" yaml:"mac,omitempty"`
	Pool     string `json:"pool,omitempty" yaml:"pool,omitempty"`
	Tags     string `json:"tags,omitempty" yaml:"tags,omitempty"`
	Template bool   `json:"template,omitempty" yaml:"template,omitempty"`
	// Config holds further raw config keys (as in the .conf file).
	Config map[string]string `json:"config,omitempty" yaml:"config,omitempty"`
}

// DefaultTokenID and DefaultTokenSecret are the API token of DefaultSeed.
const (
	DefaultTokenID     = "root@pam!labforge"
	DefaultTokenSecret = "5f3b8c2e-1d4a-4c6b-9e7f-0a1b2c3d4e5f"
	DefaultPassword    = "labforge"
)

// DefaultSeed returns the development cluster: nodes pve1 and pve2 in
// cluster "lab", storages local (iso, vztmpl, backup) and local-lvm (images,
// rootdir), bridge vmbr0 handing out 10.10.0.100-250, pool labforge, QEMU
// templates 9000-9002 and two container templates.
func DefaultSeed() *Seed {
	const gib = 1 << 30
	node := func(name string, cpus int, mem uint64, ip string) SeedNode {
		return SeedNode{Name: name, CPUs: cpus, Memory: mem, Status: "online", IP: ip, Storages: []SeedStorage{
			{ID: "local", Type: "dir", Content: "iso,vztmpl,backup", Total: 100 * gib, Used: 12 * gib},
			{ID: "local-lvm", Type: "lvmthin", Content: "images,rootdir", Total: 800 * gib},
		}}
	}
	return &Seed{
		Cluster: "lab",
		Users:   []SeedUser{{UserID: "root@pam", Password: DefaultPassword}},
		Tokens:  []SeedToken{{ID: DefaultTokenID, Secret: DefaultTokenSecret}},
		Nodes: []SeedNode{
			node("pve1", 32, 128*gib, "192.168.100.11"),
			node("pve2", 32, 128*gib, "192.168.100.12"),
		},
		Bridges: []SeedBridge{{Name: "vmbr0", CIDR: "10.10.0.0/24", Gateway: "10.10.0.1", PoolStart: "10.10.0.100", PoolEnd: "10.10.0.250"}},
		Pools:   []SeedPool{{ID: "labforge", Comment: "Labforge managed guests"}},
		Templates: []SeedTemplate{
			{VMID: 9000, Node: "pve1", Name: "debian-12-template", OSType: "l26", Cores: 2, Memory: 2048, Disk: "20G", Storage: "local-lvm", Bridge: "vmbr0"},
			{VMID: 9001, Node: "pve1", Name: "ubuntu-24.04-template", OSType: "l26", Cores: 2, Memory: 4096, Disk: "32G", Storage: "local-lvm", Bridge: "vmbr0"},
			{VMID: 9002, Node: "pve2", Name: "win11-template", OSType: "win11", Cores: 4, Memory: 8192, Disk: "64G", Storage: "local-lvm", Bridge: "vmbr0"},
		},
		CTTemplates: []SeedCTTemplate{
			{Storage: "local", File: "debian-12-standard_12.7-1_amd64.tar.zst", Size: 126 << 20},
			{Storage: "local", File: "ubuntu-24.04-standard_24.04-2_amd64.tar.zst", Size: 141 << 20},
		},
	}
}

// LoadSeed reads a seed file (YAML or JSON).
func LoadSeed(path string) (*Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	return ParseSeed(b)
}

// ParseSeed parses a YAML or JSON seed; unknown keys are an error so a typo
// does not silently change the simulated cluster.
func ParseSeed(b []byte) (*Seed, error) {
	var s Seed
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("parse seed: %w", err)
	}
	return &s, nil
}

// parseSize parses a Proxmox size such as "32G", "512M" or a byte count.
func parseSize(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty size")
	}
	mult := uint64(1)
	switch s[len(s)-1] {
	case 'K', 'k':
		mult = 1 << 10
	case 'M', 'm':
		mult = 1 << 20
	case 'G', 'g':
		mult = 1 << 30
	case 'T', 't':
		mult = 1 << 40
	}
	if mult != 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return uint64(n * float64(mult)), nil
}

// formatSize renders bytes the way Proxmox writes disk sizes (size=32G).
func formatSize(b uint64) string {
	switch {
	case b%(1<<40) == 0 && b > 0:
		return fmt.Sprintf("%dT", b>>40)
	case b%(1<<30) == 0 && b > 0:
		return fmt.Sprintf("%dG", b>>30)
	case b%(1<<20) == 0 && b > 0:
		return fmt.Sprintf("%dM", b>>20)
	case b%(1<<10) == 0 && b > 0:
		return fmt.Sprintf("%dK", b>>10)
	}
	return strconv.FormatUint(b, 10)
}

package domain

import (
	"net/netip"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// Site is a network where self-service containers live: an address range,
// an internal DNS domain and the NGINX/dnsmasq gateway host that serves it.
type Site struct {
	ID             uuid.UUID    `json:"id"`
	Name           string       `json:"name"`
	CIDR           netip.Prefix `json:"cidr"`
	Gateway        netip.Addr   `json:"gateway"`
	DHCPStart      netip.Addr   `json:"dhcp_start"`
	DHCPEnd        netip.Addr   `json:"dhcp_end"`
	InternalDomain string       `json:"internal_domain"`
	DNSForwarders  []netip.Addr `json:"dns_forwarders"`
	CreatedAt      time.Time    `json:"created_at"`
}

// Validate checks that the site's addresses are consistent.
func (s *Site) Validate() error {
	var v Validator
	v.Check(ValidSlug(s.Name), "name", "must be a lower-case name of letters, digits and hyphens")
	v.Check(s.CIDR.IsValid() && s.CIDR.Addr().Is4(), "cidr", "must be an IPv4 network such as 10.20.0.0/24")
	if s.CIDR.IsValid() {
		v.Check(s.Gateway.IsValid() && s.CIDR.Contains(s.Gateway), "gateway", "must be an address inside cidr")
		v.Check(s.DHCPStart.IsValid() && s.CIDR.Contains(s.DHCPStart), "dhcp_start", "must be an address inside cidr")
		v.Check(s.DHCPEnd.IsValid() && s.CIDR.Contains(s.DHCPEnd), "dhcp_end", "must be an address inside cidr")
		v.Check(!s.DHCPStart.IsValid() || !s.DHCPEnd.IsValid() || !s.DHCPEnd.Less(s.DHCPStart), "dhcp_end", "must not be below dhcp_start")
	}
	v.Check(validDomain(s.InternalDomain), "internal_domain", "must be a DNS domain such as lab.example.org")
	for _, f := range s.DNSForwarders {
		v.Check(f.IsValid(), "dns_forwarders", "must be IP addresses")
	}
	return v.Err()
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	start := 0
	for i := 0; i <= len(d); i++ {
		if i == len(d) || d[i] == '.' {
			if !ValidHostname(d[start:i]) {
				return false
			}
			start = i + 1
		}
	}
	return true
}

// NodeStatus is the last observed state of a Proxmox node.
type NodeStatus string

// Node states.
const (
	NodeUnknown NodeStatus = "unknown"
	NodeOnline  NodeStatus = "online"
	NodeOffline NodeStatus = "offline"
)

// Node is one Proxmox VE node Labforge talks to, with the API token used for
// it. TokenSecret never leaves the server: it is not serialised.
type Node struct {
	ID               uuid.UUID  `json:"id"`
	Name             string     `json:"name"`
	Cluster          string     `json:"cluster"`
	Endpoint         string     `json:"endpoint"`
	TokenID          string     `json:"token_id"`
	TokenSecret      string     `json:"-"`
	TLSFingerprint   string     `json:"tls_fingerprint,omitempty"`
	TLSCAFile        string     `json:"tls_ca_file,omitempty"`
	TLSInsecure      bool       `json:"tls_insecure"`
	Storages         []string   `json:"storages"`
	Bridge           string     `json:"bridge"`
	CloneConcurrency int        `json:"clone_concurrency"`
	Status           NodeStatus `json:"status"`
	MaxCPU           int        `json:"max_cpu"`
	MaxMemoryBytes   int64      `json:"max_memory_bytes"`
	UsedMemoryBytes  int64      `json:"used_memory_bytes"`
	SyncedAt         *time.Time `json:"synced_at,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
}

// Validate checks the node's connection settings.
func (n *Node) Validate() error {
	var v Validator
	v.Check(ValidSlug(n.Name), "name", "must be the Proxmox node name (letters, digits, hyphens)")
	v.Check(ValidSlug(n.Cluster), "cluster", "must be a lower-case cluster name of letters, digits and hyphens")
	u, err := url.Parse(n.Endpoint)
	v.Check(err == nil && u.Scheme == "https" && u.Host != "", "endpoint", "must be an https URL such as https://pve1.example.org:8006")
	v.Check(n.TokenID != "", "token_id", "must be an API token id such as labforge@pve!labforge")
	v.Check(n.TokenSecret != "", "token_secret", "must not be empty")
	v.Check(n.CloneConcurrency >= 1 && n.CloneConcurrency <= 64, "clone_concurrency", "must be between 1 and 64")
	v.Check(n.Bridge == "" || ValidSlug(n.Bridge), "bridge", "must be a bridge name such as vmbr0")
	for _, s := range n.Storages {
		v.Check(ValidSlug(s), "storages", "must be storage names such as local-lvm")
	}
	return v.Err()
}

// VMTemplate is a Proxmox template (QEMU or LXC) discovered on a node.
type VMTemplate struct {
	ID        uuid.UUID `json:"id"`
	NodeID    uuid.UUID `json:"node_id"`
	Cluster   string    `json:"cluster"`
	VMID      int       `json:"vmid"`
	Kind      GuestKind `json:"kind"`
	Name      string    `json:"name"`
	OSType    string    `json:"os_type"`
	Cores     int       `json:"cores"`
	MemoryMB  int       `json:"memory_mb"`
	DiskGB    int       `json:"disk_gb"`
	Storage   string    `json:"storage"`
	Linked    bool      `json:"linked_clone"`
	Status    string    `json:"status"`
	SyncedAt  time.Time `json:"synced_at"`
	CreatedAt time.Time `json:"created_at"`
}

// GuestKind distinguishes QEMU virtual machines from LXC containers.
type GuestKind string

// Guest kinds.
const (
	GuestQEMU GuestKind = "qemu"
	GuestLXC  GuestKind = "lxc"
)

// VMIDRange is the inclusive range of Proxmox VMIDs Labforge may allocate.
type VMIDRange struct {
	First int
	Last  int
}

// Validate checks the range against Proxmox's limits (100 .. 999999999).
func (r VMIDRange) Validate(field string) error {
	var v Validator
	v.Check(r.First >= 100 && r.Last <= 999999999 && r.First <= r.Last, field, "must be FIRST-LAST within 100-999999999, FIRST not above LAST")
	return v.Err()
}

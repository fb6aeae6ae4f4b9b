package proxmox

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Version is what GET /version reports.
type Version struct {
	Release string // 9.1
	Version string // 9.1.1
	RepoID  string
}

// Version returns the API's version; it doubles as a cheap health check.
func (c *Client) Version(ctx context.Context) (Version, error) {
	var w struct {
		Release string `json:"release"`
		Version string `json:"version"`
		RepoID  string `json:"repoid"`
	}
	if err := c.get(ctx, "Version", "", "/version", &w); err != nil {
		return Version{}, err
	}
	return Version{Release: w.Release, Version: w.Version, RepoID: w.RepoID}, nil
}

// ResourceType filters ClusterResources.
type ResourceType string

// Resource types Proxmox filters on; ResourceAll returns everything.
const (
	ResourceAll     ResourceType = ""
	ResourceVM      ResourceType = "vm" // qemu and lxc guests
	ResourceNode    ResourceType = "node"
	ResourceStorage ResourceType = "storage"
)

// Resource is one entry of GET /cluster/resources: a node, guest (qemu or
// lxc), storage, pool, SDN zone or network. Fields not reported for a type
// are zero. A guest's existence, node, type, tags, lock and pool are
// current; its name, status, template flag and figures are its node's
// last status update (every 10 s): Status "unknown" and no name for a
// guest its node has not reported yet, or whose node stopped reporting
// minutes ago. GuestStatus (status/current) is the guest's word now.
type Resource struct {
	ID       string // qemu/105, node/pve1, storage/pve1/local-lvm
	Type     string // qemu, lxc, node, storage, pool, sdn, network
	Node     string
	VMID     int
	Name     string
	Status   string // running/stopped/paused, online/offline, available, unknown
	Template bool
	Tags     []string
	Pool     string
	Lock     string
	HAState  string
	CPU      float64 // fraction of MaxCPU in use
	MaxCPU   int
	Mem      uint64
	MaxMem   uint64
	Disk     uint64
	MaxDisk  uint64
	Uptime   time.Duration
	// Storage fields.
	Storage    string
	PluginType string
	Content    string
	Shared     bool
}

// IsGuest reports whether the resource is a VM or container.
func (r Resource) IsGuest() bool { return r.Type == "qemu" || r.Type == "lxc" }

// HasTag reports whether the resource carries tag (case-insensitive, as
// Proxmox compares tags).
func (r Resource) HasTag(tag string) bool {
	for _, t := range r.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

type resourceWire struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	Node       string `json:"node"`
	VMID       num    `json:"vmid"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Template   num    `json:"template"`
	Tags       string `json:"tags"`
	Pool       string `json:"pool"`
	Lock       string `json:"lock"`
	HAState    string `json:"hastate"`
	CPU        num    `json:"cpu"`
	MaxCPU     num    `json:"maxcpu"`
	Mem        num    `json:"mem"`
	MaxMem     num    `json:"maxmem"`
	Disk       num    `json:"disk"`
	MaxDisk    num    `json:"maxdisk"`
	Uptime     num    `json:"uptime"`
	Storage    string `json:"storage"`
	PluginType string `json:"plugintype"`
	Content    string `json:"content"`
	Shared     num    `json:"shared"`
}

func (w resourceWire) resource() Resource {
	return Resource{
		ID: w.ID, Type: w.Type, Node: w.Node, VMID: w.VMID.int(), Name: w.Name, Status: w.Status,
		Template: w.Template.bool(), Tags: splitTags(w.Tags), Pool: w.Pool, Lock: w.Lock, HAState: w.HAState,
		CPU: float64(w.CPU), MaxCPU: w.MaxCPU.int(), Mem: w.Mem.uint64(), MaxMem: w.MaxMem.uint64(),
		Disk: w.Disk.uint64(), MaxDisk: w.MaxDisk.uint64(), Uptime: time.Duration(w.Uptime.int64()) * time.Second,
		Storage: w.Storage, PluginType: w.PluginType, Content: w.Content, Shared: w.Shared.bool(),
	}
}

// ClusterResources returns the cluster's nodes, guests, storages and pools
// (or one type of them) in a single GET /cluster/resources, which any node
// answers for the whole cluster.
func (c *Client) ClusterResources(ctx context.Context, typ ResourceType) ([]Resource, error) {
	const op = "ClusterResources"
	path := "/cluster/resources"
	switch typ {
	case ResourceAll:
	case ResourceVM, ResourceNode, ResourceStorage:
		path += "?" + url.Values{"type": {string(typ)}}.Encode()
	default:
		return nil, invalidf(c.ep.Name, op, "unknown resource type %q", typ)
	}
	var ws []resourceWire
	if err := c.get(ctx, op, "", path, &ws); err != nil {
		return nil, err
	}
	out := make([]Resource, len(ws))
	for i, w := range ws {
		out[i] = w.resource()
	}
	return out, nil
}

// NodeStatus is a node's health as GET /nodes/{node}/status reports it.
type NodeStatus struct {
	Uptime        time.Duration
	CPU           float64 // fraction in use
	CPUs          int
	MemoryTotal   uint64
	MemoryUsed    uint64
	LoadAvg       []string
	PVEVersion    string
	KernelVersion string
}

// NodeStatus reads one node's status.
func (c *Client) NodeStatus(ctx context.Context, node string) (NodeStatus, error) {
	const op = "NodeStatus"
	path, err := nodePath(op, node, "/status")
	if err != nil {
		return NodeStatus{}, err
	}
	var w struct {
		Uptime  num      `json:"uptime"`
		CPU     num      `json:"cpu"`
		LoadAvg []string `json:"loadavg"`
		PVE     string   `json:"pveversion"`
		Kernel  string   `json:"kversion"`
		CPUInfo struct {
			CPUs num `json:"cpus"`
		} `json:"cpuinfo"`
		Memory struct {
			Total num `json:"total"`
			Used  num `json:"used"`
		} `json:"memory"`
	}
	if err := c.get(ctx, op, node, path, &w); err != nil {
		return NodeStatus{}, err
	}
	return NodeStatus{
		Uptime: time.Duration(w.Uptime.int64()) * time.Second, CPU: float64(w.CPU), CPUs: w.CPUInfo.CPUs.int(),
		MemoryTotal: w.Memory.Total.uint64(), MemoryUsed: w.Memory.Used.uint64(), LoadAvg: w.LoadAvg,
		PVEVersion: w.PVE, KernelVersion: w.Kernel,
	}, nil
}

// FindGuest returns the guest (VM, container or template) with vmid, on
// whichever node of the cluster it is, from one GET /cluster/resources?type=vm.
// It reports false, and no error, when the cluster has no such guest. Its
// name and status may lag (see Resource).
func (c *Client) FindGuest(ctx context.Context, vmid int) (Resource, bool, error) {
	const op = "FindGuest"
	rs, err := c.ClusterResources(ctx, ResourceVM)
	if err != nil {
		return Resource{}, false, withOp(err, c.ep.Name, op)
	}
	for _, r := range rs {
		if r.IsGuest() && r.VMID == vmid {
			return r, true, nil
		}
	}
	return Resource{}, false, nil
}

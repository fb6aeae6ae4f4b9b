package proxmox

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ContainerNIC is a container network interface (net0). Every field is
// validated before it is written into Proxmox's property string, so no
// value can smuggle in another property.
type ContainerNIC struct {
	// Name inside the container; default eth0.
	Name string
	// Bridge to attach to, e.g. vmbr0. Required.
	Bridge string
	// HWAddr is the fixed MAC address (Labforge allocates it, so the
	// container's first DHCP lease is its reserved address). Required.
	HWAddr string
	// IP is "dhcp" (default), "manual" or an IPv4 CIDR such as 10.0.0.5/24.
	IP string
	// Gateway is the IPv4 gateway for a static IP.
	Gateway  string
	Firewall bool
	// VLAN tag, 0 for none.
	VLAN int
}

var ifaceNamePattern = regexp.MustCompile(`^[-_.\w]+$`)

// String renders the property string, or an error for an invalid field.
func (n ContainerNIC) String() (string, error) {
	name := n.Name
	if name == "" {
		name = "eth0"
	}
	if !ifaceNamePattern.MatchString(name) {
		return "", fmt.Errorf("invalid interface name %q", name)
	}
	if !ifaceNamePattern.MatchString(n.Bridge) {
		return "", fmt.Errorf("invalid bridge %q", n.Bridge)
	}
	mac, err := net.ParseMAC(n.HWAddr)
	if err != nil || len(mac) != 6 || mac[0]&1 == 1 {
		return "", fmt.Errorf("invalid unicast MAC address %q", n.HWAddr)
	}
	ip := n.IP
	switch ip {
	case "":
		ip = "dhcp"
	case "dhcp", "manual":
	default:
		p, err := netip.ParsePrefix(ip)
		if err != nil || !p.Addr().Is4() {
			return "", fmt.Errorf("invalid IPv4 config %q (want dhcp, manual or a CIDR)", n.IP)
		}
	}
	parts := []string{"name=" + name, "bridge=" + n.Bridge, "hwaddr=" + strings.ToUpper(mac.String()), "ip=" + ip}
	if n.Gateway != "" {
		gw, err := netip.ParseAddr(n.Gateway)
		if err != nil || !gw.Is4() {
			return "", fmt.Errorf("invalid IPv4 gateway %q", n.Gateway)
		}
		parts = append(parts, "gw="+gw.String())
	}
	if n.Firewall {
		parts = append(parts, "firewall=1")
	}
	if n.VLAN != 0 {
		if n.VLAN < 1 || n.VLAN > 4094 {
			return "", fmt.Errorf("invalid VLAN tag %d", n.VLAN)
		}
		parts = append(parts, "tag="+strconv.Itoa(n.VLAN))
	}
	return strings.Join(parts, ",") + ",type=veth", nil
}

// ContainerSpec describes a container to create.
type ContainerSpec struct {
	// VMID is chosen by the caller (Labforge allocates VMIDs).
	VMID int
	// OSTemplate is the template volume, e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst.
	OSTemplate  string
	Hostname    string
	Description string
	Tags        []string
	Net0        ContainerNIC
	Cores       int
	Memory      int // MiB; 0 keeps Proxmox's default (512)
	Swap        int // MiB; 0 keeps Proxmox's default
	// Storage holds the root disk, RootFSGiB large (default 8).
	Storage   string
	RootFSGiB int
	Pool      string
	// SSHKeys are public keys for root, one per entry.
	SSHKeys []string
	// Env is the container's runtime environment (PVE 9.1 "env", sent as
	// a NUL-separated NAME=value list). Names must be shell identifiers,
	// and no value may hold a NUL.
	Env map[string]string
	// SearchDomain and Nameserver set the container's DNS; empty uses the
	// node's settings.
	SearchDomain string
	Nameserver   string
	// Privileged asks for a privileged container; Proxmox creates
	// unprivileged ones by default.
	Privileged bool
	// Start has Proxmox start the container once it is created: the
	// vzcreate task ends by starting a separate vzstart task, whose UPID
	// CreateContainer does not return and whose failure leaves the
	// container created but stopped. When the start's outcome matters,
	// create without Start and call StartContainer.
	Start bool
}

var storageIDPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9\-_.]*$`)

// body validates the spec and renders the create request.
func (s ContainerSpec) body(node, op string) (map[string]any, error) {
	bad := func(format string, args ...any) (map[string]any, error) {
		return nil, invalidf(node, op, format, args...)
	}
	if err := checkVMID(node, op, s.VMID); err != nil {
		return nil, err
	}
	if s.OSTemplate == "" {
		return bad("OSTemplate is required")
	}
	if !storageIDPattern.MatchString(s.Storage) {
		return bad("invalid storage %q", s.Storage)
	}
	net0, err := s.Net0.String()
	if err != nil {
		return bad("net0: %v", err)
	}
	size := s.RootFSGiB
	if size == 0 {
		size = 8
	}
	if size < 0 {
		return bad("invalid root disk size %d GiB", size)
	}
	body := map[string]any{
		"vmid": s.VMID, "ostemplate": s.OSTemplate, "net0": net0, "storage": s.Storage,
		"rootfs": s.Storage + ":" + strconv.Itoa(size), "start": boolInt(s.Start),
	}
	if s.Privileged {
		body["unprivileged"] = 0
	}
	setIf(body, "hostname", s.Hostname)
	setIf(body, "description", s.Description)
	setIf(body, "pool", s.Pool)
	setIf(body, "searchdomain", s.SearchDomain)
	if s.Nameserver != "" {
		ns, err := netip.ParseAddr(s.Nameserver)
		if err != nil {
			return bad("invalid nameserver %q", s.Nameserver)
		}
		body["nameserver"] = ns.String()
	}
	if len(s.Env) > 0 {
		env, err := envList(s.Env)
		if err != nil {
			return bad("%v", err)
		}
		body["env"] = env
	}
	if len(s.Tags) > 0 {
		tags, err := FormatTags(s.Tags...)
		if err != nil {
			return bad("%v", err)
		}
		body["tags"] = tags
	}
	for k, v := range map[string]int{"cores": s.Cores, "memory": s.Memory, "swap": s.Swap} {
		if v < 0 {
			return bad("invalid %s %d", k, v)
		}
		if v > 0 {
			body[k] = v
		}
	}
	if len(s.SSHKeys) > 0 {
		for _, k := range s.SSHKeys {
			if strings.ContainsAny(k, "\r\n") {
				return bad("an SSH key must be one line")
			}
		}
		body["ssh-public-keys"] = strings.Join(s.SSHKeys, "\n")
	}
	return body, nil
}

var envNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// envList renders env as Proxmox's NUL-separated NAME=value list, sorted
// by name so the same environment is always the same string.
func envList(env map[string]string) (string, error) {
	names := make([]string, 0, len(env))
	for k, v := range env {
		if !envNamePattern.MatchString(k) {
			return "", fmt.Errorf("invalid environment variable name %q", k)
		}
		if strings.ContainsRune(v, 0) {
			return "", fmt.Errorf("environment variable %s holds a NUL", k)
		}
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + "=" + env[k]
	}
	return strings.Join(parts, "\x00"), nil
}

// ResizeContainerDisk grows a container's disk (such as "rootfs") to
// sizeGiB and returns the resize task's UPID. Proxmox refuses to shrink
// a disk (Invalid).
func (c *Client) ResizeContainerDisk(ctx context.Context, node string, vmid int, disk string, sizeGiB int) (string, error) {
	const op = "ResizeContainerDisk"
	path, err := guestPath(op, node, kindLXC, vmid, "/resize")
	if err != nil {
		return "", err
	}
	if !ifaceNamePattern.MatchString(disk) {
		return "", invalidf(node, op, "invalid disk %q", disk)
	}
	if sizeGiB < 1 {
		return "", invalidf(node, op, "invalid disk size %d GiB", sizeGiB)
	}
	var upid string
	if err := c.put(ctx, op, node, path, map[string]any{"disk": disk, "size": strconv.Itoa(sizeGiB) + "G"}, &upid); err != nil {
		return "", err
	}
	return c.checkUPID(op, node, upid)
}

// CreateContainer creates an LXC container and returns the vzcreate task's
// UPID. The container exists, locked "create", as soon as this returns;
// spec.Start says what happens after the task.
func (c *Client) CreateContainer(ctx context.Context, node string, spec ContainerSpec) (string, error) {
	const op = "CreateContainer"
	path, err := nodePath(op, node, "/lxc")
	if err != nil {
		return "", err
	}
	body, err := spec.body(node, op)
	if err != nil {
		return "", err
	}
	return c.startTask(ctx, op, node, path, body)
}

// ContainerConfig reads a container's configuration.
func (c *Client) ContainerConfig(ctx context.Context, node string, vmid int) (GuestConfig, error) {
	return c.guestConfig(ctx, "ContainerConfig", node, kindLXC, vmid)
}

// SetContainerConfig applies a config change synchronously (containers
// have no asynchronous config update).
func (c *Client) SetContainerConfig(ctx context.Context, node string, vmid int, ch ConfigChange) error {
	const op = "SetContainerConfig"
	path, err := guestPath(op, node, kindLXC, vmid, "/config")
	if err != nil {
		return err
	}
	body, err := ch.body(node, op)
	if err != nil {
		return err
	}
	return c.put(ctx, op, node, path, body, nil)
}

// ContainerStatus reads a container's runtime state.
func (c *Client) ContainerStatus(ctx context.Context, node string, vmid int) (GuestStatus, error) {
	return c.guestStatus(ctx, "ContainerStatus", node, kindLXC, vmid)
}

// StartContainer starts a container and returns the task's UPID. Starting a
// running container fails at once (Conflict "CT 105 already running").
func (c *Client) StartContainer(ctx context.Context, node string, vmid int) (string, error) {
	return c.powerAction(ctx, "StartContainer", node, kindLXC, vmid, "start", nil)
}

// StopContainer stops a container immediately and returns the task's UPID.
func (c *Client) StopContainer(ctx context.Context, node string, vmid int) (string, error) {
	return c.powerAction(ctx, "StopContainer", node, kindLXC, vmid, "stop", nil)
}

// DeleteContainer destroys a container and returns the task's UPID; force
// stops a running one first, purge removes it from jobs and HA.
func (c *Client) DeleteContainer(ctx context.Context, node string, vmid int, purge, force bool) (string, error) {
	const op = "DeleteContainer"
	path, err := guestPath(op, node, kindLXC, vmid, "")
	if err != nil {
		return "", err
	}
	q := url.Values{}
	if purge {
		q.Set("purge", "1")
	}
	if force {
		q.Set("force", "1")
	}
	return c.deleteTask(ctx, op, node, path, q)
}

// ContainerInterfaces lists a running container's interfaces with their
// addresses. A container without a process on node, stopped or missing,
// has none: Proxmox answers null, and this returns an empty list and no
// error. An interface configured ip=dhcp has no IPv4 address until the
// container's DHCP client got its lease, a few seconds after the start.
func (c *Client) ContainerInterfaces(ctx context.Context, node string, vmid int) ([]Interface, error) {
	const op = "ContainerInterfaces"
	path, err := guestPath(op, node, kindLXC, vmid, "/interfaces")
	if err != nil {
		return nil, err
	}
	var ws []struct {
		Name   string     `json:"name"`
		HWAddr string     `json:"hwaddr"`
		Inet   string     `json:"inet"`
		Inet6  string     `json:"inet6"`
		Addrs  []addrWire `json:"ip-addresses"`
	}
	if err := c.get(ctx, op, node, path, &ws); err != nil {
		return nil, err
	}
	out := make([]Interface, 0, len(ws))
	for _, w := range ws {
		i := Interface{Name: w.Name, HWAddr: strings.ToLower(w.HWAddr), Addrs: parseAddrs(w.Addrs)}
		if len(i.Addrs) == 0 {
			for _, s := range []string{w.Inet, w.Inet6} {
				if p, err := netip.ParsePrefix(s); err == nil {
					i.Addrs = append(i.Addrs, p)
				}
			}
		}
		out = append(out, i)
	}
	return out, nil
}

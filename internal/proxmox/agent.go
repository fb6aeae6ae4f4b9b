package proxmox

import (
	"context"
	"net/netip"
	"strings"
)

// Interface is a guest network interface with its addresses, as the QEMU
// guest agent or the container reports it.
type Interface struct {
	Name   string
	HWAddr string // lower-case, as reported
	Addrs  []netip.Prefix
}

// IPv4 returns the interface's first usable IPv4 address: not loopback,
// link-local or unspecified.
func (i Interface) IPv4() (netip.Addr, bool) { return i.firstIPv4(false) }

// NICIPv4 returns the first IPv4 address of an interface picked by its
// hardware address: neither link-local nor unspecified. Unlike IPv4 it
// accepts addresses in 127.0.0.0/8, where a test or dev lab network may
// live; the guest's own loopback interface has no hardware address to be
// picked by.
func (i Interface) NICIPv4() (netip.Addr, bool) { return i.firstIPv4(true) }

// firstIPv4 returns the first IPv4 address that is neither link-local nor
// unspecified, nor loopback unless allowed.
func (i Interface) firstIPv4(loopback bool) (netip.Addr, bool) {
	for _, p := range i.Addrs {
		a := p.Addr()
		if a.Is4() && (loopback || !a.IsLoopback()) && !a.IsLinkLocalUnicast() && !a.IsUnspecified() {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// addrWire is one address in guest-agent and container interface lists.
type addrWire struct {
	Type   string `json:"ip-address-type"`
	IP     string `json:"ip-address"`
	Prefix num    `json:"prefix"`
}

func parseAddrs(ws []addrWire) []netip.Prefix {
	var out []netip.Prefix
	for _, w := range ws {
		a, err := netip.ParseAddr(strings.TrimSpace(w.IP))
		if err != nil {
			continue
		}
		if p := netip.PrefixFrom(a, w.Prefix.int()); p.IsValid() {
			out = append(out, p)
		}
	}
	return out
}

// GuestAgentInterfaces asks a VM's QEMU guest agent for its interfaces.
// Until the agent answers the error is AgentNotReady (retryable); a VM
// without an agent configured, or with it disabled (agent: 0, which
// Proxmox answers like an agent that is not up yet), is Invalid, a stopped
// VM a Conflict.
func (c *Client) GuestAgentInterfaces(ctx context.Context, node string, vmid int) ([]Interface, error) {
	const op = "GuestAgentInterfaces"
	return c.agentInterfaces(ctx, op, node, vmid)
}

func (c *Client) agentInterfaces(ctx context.Context, op, node string, vmid int) ([]Interface, error) {
	path, err := guestPath(op, node, kindQEMU, vmid, "/agent/network-get-interfaces")
	if err != nil {
		return nil, err
	}
	var w struct {
		Result []struct {
			Name   string     `json:"name"`
			HWAddr string     `json:"hardware-address"`
			Addrs  []addrWire `json:"ip-addresses"`
		} `json:"result"`
	}
	if err := c.get(ctx, op, node, path, &w); err != nil {
		return nil, c.agentDisabled(ctx, op, node, vmid, err)
	}
	out := make([]Interface, 0, len(w.Result))
	for _, r := range w.Result {
		out = append(out, Interface{Name: r.Name, HWAddr: strings.ToLower(r.HWAddr), Addrs: parseAddrs(r.Addrs)})
	}
	return out, nil
}

// agentDisabled turns an AgentNotReady err into Invalid when the VM's
// config disables the agent, so that nobody polls for an agent that will
// never answer; any other err, or a config it cannot read, is returned
// as it is.
func (c *Client) agentDisabled(ctx context.Context, op, node string, vmid int, err error) error {
	if KindOf(err) != AgentNotReady {
		return err
	}
	cfg, cerr := c.guestConfig(ctx, op, node, kindQEMU, vmid)
	if cerr != nil || cfg.AgentEnabled() {
		return err
	}
	return invalidf(node, op, "the QEMU guest agent of VM %d is disabled in its config (agent: %s)", vmid, cfg["agent"])
}

// GuestAgentIPv4 returns the first usable IPv4 address the VM's guest agent
// reports, skipping loopback and link-local (fe80::/10, 169.254.0.0/16)
// addresses, which agents list before the lease. While the agent is not
// up, or has no usable address yet, the error is AgentNotReady: poll again
// later. A VM whose agent is disabled is Invalid.
func (c *Client) GuestAgentIPv4(ctx context.Context, node string, vmid int) (netip.Addr, error) {
	const op = "GuestAgentIPv4"
	ifs, err := c.agentInterfaces(ctx, op, node, vmid)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, i := range ifs {
		if a, ok := i.IPv4(); ok {
			return a, nil
		}
	}
	return netip.Addr{}, &Error{Kind: AgentNotReady, Node: node, Op: op, Message: "guest agent reports no IPv4 address yet"}
}

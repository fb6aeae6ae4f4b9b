package activities

import "context"

// GuestIPv4 asks the guest agent for the VM's first usable IPv4 address.
// Until the agent answers with one the error is the retryable
// AgentNotReady: the workflow's retry policy is the poll loop.
func (a *Proxmox) GuestIPv4(ctx context.Context, g GuestRef) (string, error) {
	c, err := a.client(ctx, g.NodeID)
	if err != nil {
		return "", err
	}
	ip, err := c.GuestAgentIPv4(ctx, g.Node, g.VMID)
	if err != nil {
		return "", classifyPVE(err)
	}
	return ip.String(), nil
}

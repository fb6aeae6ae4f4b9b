package proxmox

import (
	"context"
	"net/url"
	"time"
)

// CloneOptions shape a VM clone.
type CloneOptions struct {
	// Name is the new VM's name (a DNS name).
	Name string
	// Full copies the disks; false makes a linked clone of a template.
	Full bool
	// Target is the node the clone lands on; empty means the source's node.
	Target string
	// Storage is the target storage of a full clone.
	Storage string
	// Pool adds the new VM to a resource pool.
	Pool        string
	Description string
}

// CloneVM clones templateVMID on node into newID and returns the clone
// task's UPID. newID is always chosen by the caller (Labforge allocates
// VMIDs); the new VM exists, locked "clone", as soon as this returns.
func (c *Client) CloneVM(ctx context.Context, node string, templateVMID, newID int, o CloneOptions) (string, error) {
	const op = "CloneVM"
	path, err := guestPath(op, node, kindQEMU, templateVMID, "/clone")
	if err != nil {
		return "", err
	}
	if err := checkVMID(node, op, newID); err != nil {
		return "", err
	}
	if o.Storage != "" && !o.Full {
		return "", invalidf(node, op, "a storage can only be chosen for full clones")
	}
	if o.Target != "" && !nodeNamePattern.MatchString(o.Target) {
		return "", invalidf(node, op, "invalid target node %q", o.Target)
	}
	body := map[string]any{"newid": newID, "full": boolInt(o.Full)}
	setIf(body, "name", o.Name)
	setIf(body, "target", o.Target)
	setIf(body, "storage", o.Storage)
	setIf(body, "pool", o.Pool)
	setIf(body, "description", o.Description)
	return c.startTask(ctx, op, node, path, body)
}

// VMConfig reads a VM's current configuration.
func (c *Client) VMConfig(ctx context.Context, node string, vmid int) (GuestConfig, error) {
	return c.guestConfig(ctx, "VMConfig", node, kindQEMU, vmid)
}

// SetVMConfig applies a config change with the asynchronous
// POST .../config, which Proxmox recommends for anything that may hotplug
// or allocate storage, and returns the qmconfig task's UPID. An empty UPID
// means Proxmox applied the change without a task.
func (c *Client) SetVMConfig(ctx context.Context, node string, vmid int, ch ConfigChange) (string, error) {
	const op = "SetVMConfig"
	path, err := guestPath(op, node, kindQEMU, vmid, "/config")
	if err != nil {
		return "", err
	}
	body, err := ch.body(node, op)
	if err != nil {
		return "", err
	}
	var upid *string
	if err := c.post(ctx, op, node, path, body, &upid); err != nil {
		return "", err
	}
	if upid == nil || *upid == "" {
		return "", nil
	}
	return c.checkUPID(op, node, *upid)
}

// UpdateVMConfig applies a config change with the synchronous
// PUT .../config: no task, the change is made when it returns. It suits
// changes that neither hotplug nor allocate storage, such as the name,
// tags, description, cores and memory of a stopped VM; anything else
// takes SetVMConfig.
func (c *Client) UpdateVMConfig(ctx context.Context, node string, vmid int, ch ConfigChange) error {
	const op = "UpdateVMConfig"
	path, err := guestPath(op, node, kindQEMU, vmid, "/config")
	if err != nil {
		return err
	}
	body, err := ch.body(node, op)
	if err != nil {
		return err
	}
	return c.put(ctx, op, node, path, body, nil)
}

// VMStatus reads a VM's runtime state.
func (c *Client) VMStatus(ctx context.Context, node string, vmid int) (GuestStatus, error) {
	return c.guestStatus(ctx, "VMStatus", node, kindQEMU, vmid)
}

// StartVM starts a VM and returns the task's UPID. Starting a running VM
// fails inside the task (Conflict "VM 104 already running").
func (c *Client) StartVM(ctx context.Context, node string, vmid int) (string, error) {
	return c.powerAction(ctx, "StartVM", node, kindQEMU, vmid, "start", nil)
}

// StopVM stops a VM immediately (power off) and returns the task's UPID.
func (c *Client) StopVM(ctx context.Context, node string, vmid int) (string, error) {
	return c.powerAction(ctx, "StopVM", node, kindQEMU, vmid, "stop", nil)
}

// ShutdownOptions shape a clean shutdown.
type ShutdownOptions struct {
	// Timeout is how long the guest gets; zero leaves Proxmox's default.
	Timeout time.Duration
	// ForceStop powers the VM off when the timeout passes.
	ForceStop bool
}

// ShutdownVM asks the guest OS to shut down (ACPI or guest agent) and
// returns the task's UPID.
func (c *Client) ShutdownVM(ctx context.Context, node string, vmid int, o ShutdownOptions) (string, error) {
	body := map[string]any{}
	if o.Timeout > 0 {
		body["timeout"] = int(o.Timeout.Round(time.Second) / time.Second)
	}
	if o.ForceStop {
		body["forceStop"] = 1
	}
	return c.powerAction(ctx, "ShutdownVM", node, kindQEMU, vmid, "shutdown", body)
}

// RebootVM reboots a running VM through the guest OS and returns the UPID.
func (c *Client) RebootVM(ctx context.Context, node string, vmid int) (string, error) {
	return c.powerAction(ctx, "RebootVM", node, kindQEMU, vmid, "reboot", nil)
}

// ResetVM hard-resets a running VM and returns the task's UPID.
func (c *Client) ResetVM(ctx context.Context, node string, vmid int) (string, error) {
	return c.powerAction(ctx, "ResetVM", node, kindQEMU, vmid, "reset", nil)
}

// DeleteVM destroys a stopped VM and its disks and returns the task's UPID.
// purge also removes it from backup jobs, replication and HA;
// destroyUnreferenced also frees disks its config does not reference.
func (c *Client) DeleteVM(ctx context.Context, node string, vmid int, purge, destroyUnreferenced bool) (string, error) {
	const op = "DeleteVM"
	path, err := guestPath(op, node, kindQEMU, vmid, "")
	if err != nil {
		return "", err
	}
	q := url.Values{}
	if purge {
		q.Set("purge", "1")
	}
	if destroyUnreferenced {
		q.Set("destroy-unreferenced-disks", "1")
	}
	return c.deleteTask(ctx, op, node, path, q)
}

// setIf sets body[k] when v is not empty.
func setIf(body map[string]any, k, v string) {
	if v != "" {
		body[k] = v
	}
}

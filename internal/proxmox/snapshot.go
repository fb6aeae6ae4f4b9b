package proxmox

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Snapshot is one snapshot of a VM.
type Snapshot struct {
	Name        string
	Description string
	Parent      string
	Time        time.Time
	// VMState reports that the snapshot includes the VM's RAM.
	VMState bool
}

// snapshotNamePattern is Proxmox's pve-configid format (max 40 characters).
var snapshotNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_\-]{1,39}$`)

func snapshotPath(op, node string, vmid int, name string) (string, error) {
	if name != "" && !snapshotNamePattern.MatchString(name) {
		return "", invalidf(node, op, "invalid snapshot name %q", name)
	}
	rest := "/snapshot"
	if name != "" {
		rest += "/" + name
	}
	return guestPath(op, node, kindQEMU, vmid, rest)
}

// CreateSnapshot snapshots a VM (with its RAM if vmstate and it runs) and
// returns the task's UPID.
func (c *Client) CreateSnapshot(ctx context.Context, node string, vmid int, name, description string, vmstate bool) (string, error) {
	const op = "CreateSnapshot"
	if name == "" {
		return "", invalidf(node, op, "snapshot name is required")
	}
	// Proxmox compares "pending" case-insensitively (lc($snapname)).
	if name == "current" || strings.EqualFold(name, "pending") {
		return "", invalidf(node, op, "snapshot name %q is reserved", name)
	}
	path, err := snapshotPath(op, node, vmid, "")
	if err != nil {
		return "", err
	}
	body := map[string]any{"snapname": name}
	setIf(body, "description", description)
	if vmstate {
		body["vmstate"] = 1
	}
	return c.startTask(ctx, op, node, path, body)
}

// ListSnapshots returns a VM's snapshots, oldest first as Proxmox lists
// them, without the "current" pseudo-snapshot.
func (c *Client) ListSnapshots(ctx context.Context, node string, vmid int) ([]Snapshot, error) {
	const op = "ListSnapshots"
	path, err := snapshotPath(op, node, vmid, "")
	if err != nil {
		return nil, err
	}
	var ws []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Parent      string `json:"parent"`
		SnapTime    num    `json:"snaptime"`
		VMState     num    `json:"vmstate"`
	}
	if err := c.get(ctx, op, node, path, &ws); err != nil {
		return nil, err
	}
	out := make([]Snapshot, 0, len(ws))
	for _, w := range ws {
		if w.Name == "current" {
			continue
		}
		out = append(out, Snapshot{Name: w.Name, Description: w.Description, Parent: w.Parent,
			Time: time.Unix(w.SnapTime.int64(), 0), VMState: w.VMState.bool()})
	}
	return out, nil
}

// RollbackSnapshot rolls a VM back to a snapshot and returns the rollback
// task's UPID. With start, Proxmox starts the VM afterwards in a separate
// qmstart task that the rollback task forks as it ends: the returned task
// ending OK says nothing about the start. A caller that must know the VM
// started rolls back without start and starts the VM itself.
func (c *Client) RollbackSnapshot(ctx context.Context, node string, vmid int, name string, start bool) (string, error) {
	const op = "RollbackSnapshot"
	if name == "" {
		return "", invalidf(node, op, "snapshot name is required")
	}
	path, err := snapshotPath(op, node, vmid, name)
	if err != nil {
		return "", err
	}
	var body map[string]any
	if start {
		body = map[string]any{"start": 1}
	}
	return c.startTask(ctx, op, node, path+"/rollback", body)
}

// DeleteSnapshot removes a snapshot and returns the task's UPID.
func (c *Client) DeleteSnapshot(ctx context.Context, node string, vmid int, name string) (string, error) {
	const op = "DeleteSnapshot"
	if name == "" {
		return "", invalidf(node, op, "snapshot name is required")
	}
	path, err := snapshotPath(op, node, vmid, name)
	if err != nil {
		return "", err
	}
	return c.deleteTask(ctx, op, node, path, nil)
}

package activities

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"

	"github.com/labforge/labforge/internal/proxmox"
)

// Proxmox holds the VM lifecycle's Proxmox activities: clone and delete
// (queue pve-clone), configure, snapshots, power and the guest agent
// (queue pve-actions). Every activity is idempotent: it looks before it
// creates, and a retried attempt resumes polling the task its predecessor
// started, whose UPID it recorded as heartbeat details.
type Proxmox struct {
	Clients *NodeClients
	// Slots are the clone slots a clone waits for and gives back.
	Slots *CloneSlots
	// TemplateStorage is the node storage OCI images are pulled into
	// (LABFORGE_CONTAINER_TEMPLATE_STORAGE).
	TemplateStorage string
	// Wait paces task polling; zero fields take the client's defaults.
	Wait   proxmox.WaitOptions
	Logger *slog.Logger
}

func (a *Proxmox) validate() error {
	if a.Clients == nil || a.Slots == nil {
		return fmt.Errorf("the Proxmox activities need node clients and clone slots")
	}
	return a.Slots.validate()
}

// BaselineSnapshot is the snapshot CloneVM takes of every fresh VM and
// reset-to-template rolls back to.
const BaselineSnapshot = "labforge-baseline"

// GuestTags returns the Proxmox tags of a Labforge VM's guest, as
// ConfigChange.Set["tags"] takes them: "labforge;lf-<vm-id>" (LabforgeTag
// and VMTag, the ownership mark reconciliation and the clone activity's
// look-before-create rely on).
func GuestTags(vmID uuid.UUID) string { return LabforgeTag + ";" + VMTag(vmID) }

// GuestDescription is the description of a Labforge VM's guest; it names
// the VM's Labforge id too, for operators reading the Proxmox UI.
func GuestDescription(vmID uuid.UUID) string {
	return "Managed by Labforge; do not edit. labforge-vm-id: " + vmID.String()
}

// owns reports whether a guest found in /cluster/resources is this
// Labforge VM's: it carries the VM's tag or, before the config step tagged
// it, the VM's name.
func (g GuestRef) owns(r proxmox.Resource) bool { return g.ownsGuest(r.Name, r.Tags) }

// ownsGuest reports whether a guest of this name and tags is this Labforge
// VM's, as owns does.
func (g GuestRef) ownsGuest(name string, tags []string) bool {
	tag := VMTag(g.VM)
	for _, t := range tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return g.Name != "" && strings.EqualFold(name, g.Name)
}

func (a *Proxmox) client(ctx context.Context, nodeID uuid.UUID) (*proxmox.Client, error) {
	c, err := a.Clients.For(ctx, nodeID)
	if err != nil {
		return nil, classifyPVE(err)
	}
	return c, nil
}

// runTask starts a Proxmox task with start and waits for its end
// (Client.AwaitTask), recording its UPID as heartbeat details. A retried attempt that finds a
// UPID in the details resumes polling that task instead of starting a
// second one, unless the task already ended in failure (then it starts
// afresh). onPoll, when set, runs after each poll (slot renewal).
func (a *Proxmox) runTask(ctx context.Context, c *proxmox.Client, start func() (string, error), onPoll func()) error {
	return a.runTaskOfType(ctx, c, "", start, onPoll)
}

// runTaskOfType is runTask for an activity that runs several tasks one
// after another (stop, then destroy): it resumes the previous attempt's
// task only when that task is of type typ (such as "vzdestroy"), so that
// a finished stop is never taken for a finished destroy. An empty typ
// resumes any task.
func (a *Proxmox) runTaskOfType(ctx context.Context, c *proxmox.Client, typ string, start func() (string, error), onPoll func()) error {
	var upid string
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &upid); err != nil {
			upid = ""
		}
		if u, err := proxmox.ParseUPID(upid); typ != "" && (err != nil || u.Type != typ) {
			upid = ""
		}
	}
	if upid != "" {
		st, err := c.PollTask(ctx, upid)
		switch {
		case err != nil && proxmox.KindOf(err) != proxmox.NotFound:
			return classifyPVE(err)
		case err != nil, !st.Running() && !st.Succeeded():
			logger(a.Logger).Info("previous attempt's task is gone or failed; starting again", slog.String("upid", upid))
			upid = ""
		case st.Succeeded():
			return nil
		default:
			logger(a.Logger).Info("resuming the previous attempt's task", slog.String("upid", upid))
		}
	}
	opts := a.Wait.Within(pollLimit(ctx))
	if upid == "" {
		var err error
		started := time.Now()
		if upid, err = start(); err != nil {
			return classifyPVE(err)
		}
		if upid == "" {
			return nil // applied without a task
		}
		activity.RecordHeartbeat(ctx, upid)
		opts.Started = started
	}
	opts.Heartbeat = func(upid string, _ proxmox.TaskStatus) {
		activity.RecordHeartbeat(ctx, upid)
		if onPoll != nil {
			onPoll()
		}
	}
	// The node's shared poller watches the task with every other task
	// this worker waits for there: one task list a look, not one status
	// request per task.
	_, err := c.AwaitTask(ctx, upid, opts)
	return classifyPVE(err)
}

// heartbeatTaskType is the type of the task whose UPID a previous attempt
// of this activity recorded as heartbeat details ("qmstart", ...), or ""
// when there is none.
func heartbeatTaskType(ctx context.Context) string {
	if !activity.IsActivity(ctx) || !activity.HasHeartbeatDetails(ctx) {
		return ""
	}
	var upid string
	if err := activity.GetHeartbeatDetails(ctx, &upid); err != nil {
		return ""
	}
	u, err := proxmox.ParseUPID(upid)
	if err != nil {
		return ""
	}
	return u.Type
}

// pollLimit is the longest an activity that heartbeats on each poll may
// wait between polls: a third of its heartbeat timeout, so that Temporal
// never takes a long but healthy wait for a dead worker. Zero (no limit)
// outside an activity with a heartbeat timeout.
func pollLimit(ctx context.Context) time.Duration {
	if !activity.IsActivity(ctx) {
		return 0
	}
	return activity.GetInfo(ctx).HeartbeatTimeout / 3
}

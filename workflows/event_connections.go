package workflows

import (
	"strconv"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

// An event's Guacamole connections (lifecycles since changeEventIntegrations):
// each item gets one connection per connection template of its machine as
// soon as its VM is ready, in a background coroutine so that a Guacamole
// outage holds neither the clones nor the event's timers; the end revokes
// them all, a removed participant's and the teardown's are deleted before
// their VMs. With Guacamole off (the activity answers Skipped) or a machine
// without templates, items get none.

// ConnState is where an item's Guacamole connections stand.
type ConnState string

// Connection states of an item: none asked for yet (""), being made,
// made, failed (the item's Error says why), off (Guacamole not configured
// or the machine has no connection templates), deleted.
const (
	ConnNone    ConnState = ""
	ConnPending ConnState = "pending"
	ConnMade    ConnState = "made"
	ConnFailed  ConnState = "failed"
	ConnOff     ConnState = "off"
	ConnDeleted ConnState = "deleted"
)

// stepConnections is the item step that makes its connections.
const stepConnections = "connections"

// ItemConnection is one connection made for an item: its protocol and the
// address that opens it in the browser.
type ItemConnection struct {
	Protocol string `json:"protocol"`
	URL      string `json:"url"`
}

// connectItem makes item i's connections in the background, then tells
// the participant when all their machines are ready. It does nothing
// unless the event is deployed (a VM that became ready after the end gets
// none) and the item's VM is ready.
func (wf *eventLifecycle) connectItem(ctx workflow.Context, i int) {
	it := &wf.s.Items[i]
	if !wf.s.Integrations || it.State != domain.ItemReady || it.connBusy ||
		!wf.inState(domain.EventDeploying, domain.EventReady, domain.EventRunning) {
		return
	}
	m := wf.machine(it.Machine)
	if len(m.Connections) == 0 {
		it.ConnState = ConnOff
		return
	}
	it.ConnState, it.connBusy = ConnPending, true
	target := activities.ConnectionTarget{EventID: wf.in.EventID, EventName: wf.s.Event.Name, UserID: it.User,
		Username: it.Username, VMID: it.VM, Index: it.Index, IPv4: it.IPv4}
	wf.inBackground(ctx, func(ctx workflow.Context) {
		conns, state, err := wf.makeConnections(ctx, activities.ConnectionInputs(target, m))
		it := &wf.s.Items[i]
		it.connBusy, it.ConnState, it.Connections = false, state, conns
		if err != nil {
			it.Error, it.Step = failureMessage(err), stepConnections
			workflow.GetLogger(ctx).Warn("an event item's connections failed", "user", it.Username, "machine", it.Machine,
				"error", err)
			wf.recordItem(ctx, i)
		} else if state == ConnMade {
			user := it.User
			wf.note(ctx, domain.EventActivityConnections, &user, "connections of "+it.Username+" to "+it.Machine+" are ready",
				map[string]any{"machine": it.Machine, "index": it.Index, "count": len(conns)})
		}
		wf.changes++
		if wf.inState(domain.EventReady, domain.EventRunning) {
			wf.notifyReadyParticipants(ctx)
		}
	})
}

// makeConnections runs EnsureConnection for each input, stopping at the
// first failure (the connections made stay recorded; a retry finds them).
func (wf *eventLifecycle) makeConnections(ctx workflow.Context, ins []activities.EnsureConnectionInput) ([]ItemConnection, ConnState, error) {
	var out []ItemConnection
	for _, in := range ins {
		res, err := EnsureConnectionStep(ctx, in)
		if err != nil {
			return out, ConnFailed, err
		}
		if res.Skipped {
			return nil, ConnOff, nil
		}
		out = append(out, ItemConnection{Protocol: in.Template.Protocol, URL: res.URL})
	}
	return out, ConnMade, nil
}

// connectionsSettled reports whether item i's connections are no longer
// being made.
func (it EventItemStatus) connectionsSettled() bool { return !it.connBusy }

// deleteItemConnections deletes item i's connections before its VM goes,
// once any still being made are made.
func (wf *eventLifecycle) deleteItemConnections(ctx workflow.Context, i int) {
	if !wf.s.Integrations {
		return
	}
	if err := workflow.Await(ctx, func() bool { return wf.s.Items[i].connectionsSettled() }); err != nil {
		return
	}
	it := &wf.s.Items[i]
	if it.ConnState != ConnMade && it.ConnState != ConnFailed {
		return
	}
	vm := it.VM
	if _, err := DeleteConnectionsStep(ctx, activities.EventConnectionsInput{EventID: wf.in.EventID, VMID: &vm}); err != nil {
		workflow.GetLogger(ctx).Warn("deleting an event VM's connections failed", "vm", vm, "error", err)
		return
	}
	it = &wf.s.Items[i]
	it.ConnState, it.Connections = ConnDeleted, nil
}

// connectionsIdle reports whether no item's connections are being made.
func (wf *eventLifecycle) connectionsIdle() bool {
	for _, it := range wf.s.Items {
		if !it.connectionsSettled() {
			return false
		}
	}
	return true
}

// revokeConnections takes the participants' access to every connection of
// the event away, in the background, once the ones being made are made.
func (wf *eventLifecycle) revokeConnections(ctx workflow.Context) {
	if !wf.s.Integrations {
		return
	}
	wf.inBackground(ctx, func(ctx workflow.Context) {
		if err := workflow.Await(ctx, wf.connectionsIdle); err != nil {
			return
		}
		res, err := RevokeConnectionsStep(ctx, activities.EventConnectionsInput{EventID: wf.in.EventID})
		if err != nil {
			workflow.GetLogger(ctx).Warn("revoking the event's connections failed", "error", err)
			return
		}
		if !res.Skipped {
			wf.note(ctx, domain.EventActivityConnections, nil, "connections revoked", map[string]any{"count": res.Changed})
		}
	})
}

// deleteConnections deletes every connection of the event (the teardown),
// once the ones being made are made, and marks the items' connections
// deleted.
func (wf *eventLifecycle) deleteConnections(ctx workflow.Context) {
	if !wf.s.Integrations {
		return
	}
	if err := workflow.Await(ctx, wf.connectionsIdle); err != nil {
		return
	}
	res, err := DeleteConnectionsStep(ctx, activities.EventConnectionsInput{EventID: wf.in.EventID})
	if err != nil {
		workflow.GetLogger(ctx).Warn("deleting the event's connections failed", "error", err)
		return
	}
	for i := range wf.s.Items {
		if wf.s.Items[i].ConnState == ConnMade || wf.s.Items[i].ConnState == ConnFailed {
			wf.s.Items[i].ConnState, wf.s.Items[i].Connections = ConnDeleted, nil
		}
	}
	if !res.Skipped {
		wf.note(ctx, domain.EventActivityConnections, nil, "connections deleted", map[string]any{"count": res.Changed})
	}
}

// mailConnections are participant user's connections as e-mails list them.
func (wf *eventLifecycle) mailConnections(user uuid.UUID) []mail.Connection {
	out := []mail.Connection{}
	for _, it := range wf.liveItems() {
		if it.User != user {
			continue
		}
		machine := it.Machine
		if it.Index > 0 {
			machine += " #" + strconv.Itoa(it.Index+1)
		}
		for _, c := range it.Connections {
			out = append(out, mail.Connection{Machine: machine, Protocol: c.Protocol, URL: c.URL, Address: it.IPv4})
		}
	}
	return out
}

// retryableConnections reports whether it is ready but its connections
// failed: retry-failed makes them again.
func retryableConnections(it EventItemStatus) bool {
	return it.State == domain.ItemReady && it.ConnState == ConnFailed && !it.Dropped && !it.busy && !it.connBusy
}

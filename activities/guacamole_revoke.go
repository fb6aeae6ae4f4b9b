package activities

import (
	"context"
	"errors"
	"log/slog"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// EventConnectionsInput selects an event's connections: all of them, one
// participant's when UserID is set, one VM's when VMID is set.
type EventConnectionsInput struct {
	EventID uuid.UUID
	UserID  *uuid.UUID
	VMID    *uuid.UUID `json:",omitempty"`
}

// EventConnectionsResult says how many connections changed. Skipped is
// set, and nothing done, when Guacamole is not configured.
type EventConnectionsResult struct {
	Skipped bool `json:"skipped,omitempty"`
	Changed int  `json:"changed"`
}

// RevokeConnections takes READ away from each participant on their
// active connections of the event (at its end) and records them revoked.
// The connections stay, so an instructor can look back; DeleteConnections
// removes them. It is idempotent: revoked and deleted ones are left alone,
// and revoking a permission Guacamole no longer has is fine.
func (a *Guacamole) RevokeConnections(ctx context.Context, in EventConnectionsInput) (EventConnectionsResult, error) {
	if !a.configured("RevokeConnections") {
		return EventConnectionsResult{Skipped: true}, nil
	}
	return a.each(ctx, in, domain.ConnectionRevoked, func(c domain.EventConnection) error {
		if c.State != domain.ConnectionActive {
			return errSkip
		}
		return a.Client.RevokeConnection(ctx, c.GuacamoleUser, c.GuacamoleID)
	})
}

// DeleteConnections deletes the event's connections (all, or a
// participant's) from Guacamole and records them deleted. It is
// idempotent: deleted ones are left alone, and a connection Guacamole no
// longer has is deleted already.
func (a *Guacamole) DeleteConnections(ctx context.Context, in EventConnectionsInput) (EventConnectionsResult, error) {
	if !a.configured("DeleteConnections") {
		return EventConnectionsResult{Skipped: true}, nil
	}
	return a.each(ctx, in, domain.ConnectionDeleted, func(c domain.EventConnection) error {
		if c.State == domain.ConnectionDeleted {
			return errSkip
		}
		return a.Client.DeleteConnection(ctx, c.GuacamoleID)
	})
}

// errSkip tells each that a connection needs no change.
var errSkip = errors.New("no change")

// each runs fn on the selected connections and records those it changed
// in state. It stops at the first failure; the retry goes on from there,
// as the changed ones are recorded.
func (a *Guacamole) each(ctx context.Context, in EventConnectionsInput, state domain.EventConnectionState,
	fn func(domain.EventConnection) error) (EventConnectionsResult, error) {
	conns, err := a.Store.ListEventConnections(ctx, in.EventID, in.UserID)
	if err != nil {
		return EventConnectionsResult{}, classify(err)
	}
	var res EventConnectionsResult
	for _, c := range conns {
		if in.VMID != nil && c.VMID != *in.VMID {
			continue
		}
		err := fn(c)
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return res, classifyGuacamole(err)
		}
		if err := a.Store.SetEventConnectionState(ctx, c.EventID, c.VMID, c.TemplatePosition, state); err != nil {
			return res, classify(err)
		}
		res.Changed++
	}
	logger(a.Logger).Info("Guacamole connections changed", slog.String("event_id", in.EventID.String()),
		slog.String("state", string(state)), slog.Int("count", res.Changed))
	return res, nil
}

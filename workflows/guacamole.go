package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// Guacamole, for workflows: the event lifecycle calls these steps (under
// its operator steps, if it wants the operator to decide on failures).
// When Guacamole is not configured, each returns a result with Skipped
// set. Their errors are the activities' classified ones: GuacamoleUnavailable
// only once a day of retries ran out, Invalid and Guacamole<Kind> for
// what a retry cannot fix.

// guacamoleSpec: one participant's connection, or an event's revocation
// or deletion. An unreachable Guacamole (GuacamoleUnavailable, breaker
// open) or a transient failure is retried with backoff for about a day
// (outageRetry), so an outage makes the step wait and finish when
// Guacamole returns.
var guacamoleSpec = activitySpec{startToClose: 5 * time.Minute, retry: outageRetry}

// EnsureConnectionStep makes (or finds) a participant's connection to one
// of their VMs through one connection template and grants it to them.
func EnsureConnectionStep(ctx workflow.Context, in activities.EnsureConnectionInput) (activities.EnsureConnectionResult, error) {
	var res activities.EnsureConnectionResult
	err := exec(ctx, guacamoleSpec, &res, guac.EnsureConnection, in)
	return res, err
}

// RevokeConnectionsStep takes READ away on an event's connections (all,
// or one participant's).
func RevokeConnectionsStep(ctx workflow.Context, in activities.EventConnectionsInput) (activities.EventConnectionsResult, error) {
	var res activities.EventConnectionsResult
	err := exec(ctx, guacamoleSpec, &res, guac.RevokeConnections, in)
	return res, err
}

// DeleteConnectionsStep deletes an event's connections (all, or one
// participant's) from Guacamole.
func DeleteConnectionsStep(ctx workflow.Context, in activities.EventConnectionsInput) (activities.EventConnectionsResult, error) {
	var res activities.EventConnectionsResult
	err := exec(ctx, guacamoleSpec, &res, guac.DeleteConnections, in)
	return res, err
}

package workflows

import (
	"fmt"
	"strconv"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// gatewayReplyTimeout bounds a container workflow's wait for the apply it
// asked its site's gateway workflow for: the apply running when it asked,
// then its own, each picked up and run within their timeouts.
const gatewayReplyTimeout = 2 * (GatewayPickupTimeout + gatewayApplyTimeout)

// gatewayWaiter asks a site's gateway workflow for applies and waits for
// their outcome (SiteGatewayAppliedSignal). Each request carries an ID of
// this run, so a late reply to an earlier request is never taken for the
// reply to the current one.
type gatewayWaiter struct {
	replies workflow.ReceiveChannel
	sent    int
}

func newGatewayWaiter(ctx workflow.Context) *gatewayWaiter {
	return &gatewayWaiter{replies: workflow.GetSignalChannel(ctx, SiteGatewayAppliedSignal)}
}

// apply asks for an apply of the site's newest snapshot and returns once
// one that includes everything recorded before the request has been
// applied and recorded. A failed apply, or none within
// gatewayReplyTimeout, is a non-retryable GatewayNotApplied naming what
// to do; cancellation of ctx ends the wait with its error.
func (g *gatewayWaiter) apply(ctx workflow.Context, p activities.ContainerPlan, reason string) error {
	g.sent++
	info := workflow.GetInfo(ctx)
	id := info.WorkflowExecution.RunID + "/" + strconv.Itoa(g.sent)
	req := activities.GatewayApplyRequest{SiteID: p.SiteID, SiteName: p.SiteName, ReplyTo: info.WorkflowExecution.ID,
		RequestID: id, Reason: reason}
	if err := exec(ctx, bookkeepingSpec, nil, gateways.RequestApply, req); err != nil {
		return err
	}
	tctx, cancelTimer := workflow.WithCancel(ctx)
	defer cancelTimer()
	timer := workflow.NewTimer(tctx, gatewayReplyTimeout)
	for {
		var got SiteGatewayApplied
		var timedOut bool
		var timerErr error
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(g.replies, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, &got) })
		sel.AddFuture(timer, func(f workflow.Future) { timedOut, timerErr = true, f.Get(ctx, nil) })
		sel.Select(ctx)
		switch {
		case timedOut && timerErr != nil:
			return timerErr
		case timedOut:
			queue := activities.GatewayQueue(p.SiteName)
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf(
				"site %s's gateway did not apply within %s; is a gateway worker polling queue %q? Start one on the site's gateway host with: labforge-worker --site %s",
				p.SiteName, gatewayReplyTimeout, queue, p.SiteName), activities.ErrTypeGatewayNotApplied, nil)
		case got.RequestID != id:
			continue // the reply to an earlier request
		case got.Status != domain.GatewayApplied:
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("site %s's gateway apply failed: %s", p.SiteName, got.Error),
				activities.ErrTypeGatewayNotApplied, nil)
		}
		return nil
	}
}

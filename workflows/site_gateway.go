package workflows

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/gateway"
)

// SiteGatewayApplySignal is the signal that asks a site's gateway workflow
// for an apply, with a SiteGatewayApplyRequest as payload (optional).
// Requests are sent with Signal-With-Start (RequestSiteGatewayApply).
const SiteGatewayApplySignal = "apply"

// SiteGatewayApplyRequest is the payload of the apply signal.
type SiteGatewayApplyRequest struct {
	// Reason says why the apply was asked for; it is logged.
	Reason string `json:"reason,omitempty"`
	// OperationID, if set, is the operation record the run keeps current
	// from now on (the API's apply request). The store keeps at most one
	// unfinished operation per workflow ID, so the run never owes two.
	OperationID uuid.UUID `json:"operation_id"`
	// ReplyTo, if set, is the ID of a workflow waiting for the apply:
	// once an apply that started after this request arrived is recorded,
	// the gateway workflow signals it SiteGatewayAppliedSignal with a
	// SiteGatewayApplied carrying RequestID.
	ReplyTo   string `json:"reply_to,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// SiteGatewayAppliedSignal is the signal a site's gateway workflow sends
// each requester that asked for a reply (SiteGatewayApplyRequest.ReplyTo),
// with a SiteGatewayApplied as payload.
const SiteGatewayAppliedSignal = "gateway-applied"

// SiteGatewayApplied is the outcome of the apply that served a request.
type SiteGatewayApplied struct {
	RequestID string `json:"request_id"`
	Status    string `json:"status"` // domain.GatewayApplied or domain.GatewayFailed
	Hash      string `json:"hash,omitempty"`
	Error     string `json:"error,omitempty"`
}

// SiteGatewayInput names the site whose gateway host applies its
// snapshot. SiteName picks the queue, gateway.<name>.
type SiteGatewayInput struct {
	SiteID      uuid.UUID
	SiteName    string
	OperationID uuid.UUID // optional: the operation record to keep current
}

// SiteGatewayResult is the outcome of the last apply and how many applies
// the run made.
type SiteGatewayResult struct {
	Applies int    `json:"applies"`
	Status  string `json:"status"` // domain.GatewayApplied or domain.GatewayFailed
	Hash    string `json:"hash,omitempty"`
	Error   string `json:"error,omitempty"`
}

// SiteGatewayWorkflowID is the workflow ID of a site's gateway applies:
// site/<site-id>/gateway. One ID per site, so applies are serialised.
func SiteGatewayWorkflowID(siteID uuid.UUID) string { return "site/" + siteID.String() + "/gateway" }

// Gateway apply timeouts.
const (
	// GatewayPickupTimeout bounds how long an apply waits for the site's
	// gateway worker to pick it up before it is recorded failed.
	GatewayPickupTimeout = 2 * time.Minute
	// gatewayApplyTimeout bounds one apply attempt on the gateway host.
	gatewayApplyTimeout = 3 * time.Minute
)

// gatewayRetry retries an apply that failed for a passing reason (a busy
// applier, a file that could not be written) a few times; a rejection
// is not retried.
var gatewayRetry = &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
	MaximumInterval: 30 * time.Second, MaximumAttempts: 5}

// SiteGateway applies a site's gateway snapshot on its gateway host and
// records the outcome on the site, one apply at a time. Requests that
// arrive while an apply runs are coalesced into one more apply of a fresh
// snapshot, so the last snapshot applied is the newest. A rejected or
// unreachable gateway is not retried: it is recorded on the site and the
// run ends completed, the site record and the result saying failed, and
// the operation record, if any, failed with the same message (unless a
// request that arrived meanwhile asks for another apply, which may fix it).
// Only a failure to read the snapshot or record the outcome fails the run.
func SiteGateway(ctx workflow.Context, in SiteGatewayInput) (SiteGatewayResult, error) {
	// Its PostgreSQL steps are short and on its own queue: local activities.
	ctx = workflow.WithValue(ctx, localBookkeepingKey{}, true)
	wf := &siteGateway{in: in, progress: progress{operationID: in.OperationID}}
	if err := wf.setup(ctx); err != nil {
		return SiteGatewayResult{}, err
	}
	wf.background = workflow.GetVersion(ctx, changeRepliesInBackground, workflow.DefaultVersion, 1) == 1
	wf.requests = workflow.GetSignalChannel(ctx, SiteGatewayApplySignal)
	res, err := wf.run(ctx)
	wf.awaitReplies(ctx) // a run that failed has answered its requesters
	return res, err
}

type siteGateway struct {
	in SiteGatewayInput
	progress
	requests workflow.ReceiveChannel
	// waiting are the requests that asked for a reply and arrived since
	// the last apply started: the next apply serves them.
	waiting []SiteGatewayApplyRequest
	// background: replies are not awaited before the next apply
	// (changeRepliesInBackground); replying holds the ones in flight.
	background bool
	replying   []pendingReply
}

// pendingReply is a reply signal on its way to its requester.
type pendingReply struct {
	to     string
	future workflow.Future
}

func (wf *siteGateway) run(ctx workflow.Context) (SiteGatewayResult, error) {
	var res SiteGatewayResult
	// The request that started the run, and any before the first apply,
	// are served by it; a request that arrives during an apply, or while
	// the outcome is reported, asks for one more.
	wf.drain(ctx)
	for {
		if err := wf.report(ctx, domain.OpRunning, "applying", "", nil); err != nil {
			return res, err
		}
		serving := wf.waiting
		wf.waiting = nil
		rec, err := wf.applyOnce(ctx)
		if err != nil {
			_ = wf.report(ctx, domain.OpFailed, "applying", failureMessage(err), nil)
			// The run ends: requests that arrived meanwhile get no apply either.
			wf.drain(ctx)
			wf.reply(ctx, append(serving, wf.waiting...), SiteGatewayApplied{Status: domain.GatewayFailed, Error: failureMessage(err)})
			return res, err
		}
		wf.reply(ctx, serving, SiteGatewayApplied{Status: rec.Status, Hash: rec.Hash, Error: rec.Error})
		res.Applies++
		res.Status, res.Hash, res.Error = rec.Status, rec.Hash, rec.Error
		if wf.drain(ctx) {
			continue
		}
		state := domain.OpCompleted
		if res.Status == domain.GatewayFailed {
			state = domain.OpFailed
		}
		if err := wf.report(ctx, state, "done", res.Error, domain.JSONObject(res)); err != nil {
			return res, err
		}
		// The operation is finished; a later apply reports to the operation
		// of the request that asks for it, if any.
		wf.operationID = uuid.Nil
		// Temporal refuses to complete a run with a signal it has not
		// handled and runs this task again, so a request that arrives now
		// is not lost either.
		if wf.drain(ctx) {
			continue
		}
		if len(wf.replying) == 0 {
			return res, nil
		}
		// Waiting for the replies takes workflow tasks of its own: a
		// request that arrives meanwhile gets one more apply.
		wf.awaitReplies(ctx)
		if !wf.drain(ctx) {
			return res, nil
		}
	}
}

// drain receives every pending apply request and reports whether there was one.
func (wf *siteGateway) drain(ctx workflow.Context) bool {
	got := false
	for {
		var req SiteGatewayApplyRequest
		if !wf.requests.ReceiveAsync(&req) {
			return got
		}
		got = true
		if req.OperationID != uuid.Nil {
			wf.operationID = req.OperationID
		}
		if req.ReplyTo != "" {
			wf.waiting = append(wf.waiting, req)
		}
		workflow.GetLogger(ctx).Info("gateway apply requested", "site", wf.in.SiteName, "reason", req.Reason)
	}
}

// reply tells each served requester the outcome of the apply that served
// it. A requester that is gone no longer needs the answer: the failure
// to signal it is logged, not the gateway's failure.
// Since changeRepliesInBackground the signals are sent and the next apply
// starts at once; the run waits for them all before it ends.
func (wf *siteGateway) reply(ctx workflow.Context, served []SiteGatewayApplyRequest, out SiteGatewayApplied) {
	if len(served) == 0 {
		return
	}
	for _, req := range served {
		out.RequestID = req.RequestID
		f := workflow.SignalExternalWorkflow(ctx, req.ReplyTo, "", SiteGatewayAppliedSignal, out)
		wf.replying = append(wf.replying, pendingReply{to: req.ReplyTo, future: f})
	}
	if !wf.background {
		wf.awaitReplies(ctx)
	}
}

// awaitReplies waits for every reply signal in flight to be delivered.
func (wf *siteGateway) awaitReplies(ctx workflow.Context) {
	for _, r := range wf.replying {
		if err := r.future.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("telling a requester about the apply failed", "requester", r.to, "error", err)
		}
	}
	wf.replying = nil
}

// applyOnce reads a fresh snapshot, applies it on the site's gateway queue
// and records the outcome. A gateway failure is a record, not an error.
func (wf *siteGateway) applyOnce(ctx workflow.Context) (activities.SiteGatewayRecord, error) {
	var snap gateway.Snapshot
	if err := bookkeep(ctx, &snap, gateways.SiteGatewaySnapshot, wf.in.SiteID); err != nil {
		return activities.SiteGatewayRecord{}, err
	}
	queue := activities.GatewayQueue(wf.in.SiteName)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{TaskQueue: queue,
		ScheduleToStartTimeout: GatewayPickupTimeout, StartToCloseTimeout: gatewayApplyTimeout, RetryPolicy: gatewayRetry})
	var out gateway.Result
	err := workflow.ExecuteActivity(actx, gatewayHost.ApplySiteGateway, snap).Get(ctx, &out)
	rec := activities.SiteGatewayRecord{SiteID: wf.in.SiteID, Status: domain.GatewayApplied, Hash: out.Hash, AppliedAt: out.AppliedAt}
	if err != nil {
		if ctx.Err() != nil {
			return rec, err
		}
		rec = activities.SiteGatewayRecord{SiteID: wf.in.SiteID, Status: domain.GatewayFailed, Hash: snap.Hash(),
			Error: gatewayError(queue, wf.in.SiteName, err)}
		workflow.GetLogger(ctx).Warn("gateway apply failed", "site", wf.in.SiteName, "error", rec.Error)
	}
	return rec, bookkeep(ctx, nil, gateways.RecordSiteGateway, rec)
}

// gatewayError explains a failed apply: the tool's message, or which
// worker to start when none picked the apply up.
func gatewayError(queue, site string, err error) string {
	var te *temporal.TimeoutError
	if errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START {
		return fmt.Sprintf("no gateway worker picked up the apply on queue %q within %s; start one on the site's gateway host with: labforge-worker --site %s",
			queue, GatewayPickupTimeout, site)
	}
	return failureMessage(err)
}

package workflows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/gateway"
)

// gatewayEnv runs SiteGateway with its core activities mocked: each
// snapshot read returns a snapshot numbered by the read, records collects
// the recorded outcomes and applied the snapshots the gateway applied.
type gatewayEnv struct {
	*testsuite.TestWorkflowEnvironment
	mu      sync.Mutex
	reads   int
	records []activities.SiteGatewayRecord
	applied []gateway.Snapshot
	states  []domain.OperationState
	ops     []uuid.UUID // the operation of each reported state
	// onState, if set, is called with each reported operation state.
	onState func(domain.OperationState)
}

var testSiteID = uuid.MustParse("5e3a7c1e-0000-4000-8000-000000000001")

func newGatewayEnv(t *testing.T) *gatewayEnv {
	e := &gatewayEnv{TestWorkflowEnvironment: newTestEnv(t)}
	e.SetStartWorkflowOptions(client.StartWorkflowOptions{TaskQueue: activities.QueueCore})
	e.OnActivity(gateways.SiteGatewaySnapshot, mock.Anything, testSiteID).Return(
		func(context.Context, uuid.UUID) (gateway.Snapshot, error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.reads++
			return gateway.Snapshot{Site: "lab1", InternalDomain: "lab" + string(rune('0'+e.reads)) + ".internal"}, nil
		})
	e.OnActivity(gateways.RecordSiteGateway, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.SiteGatewayRecord) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.records = append(e.records, r)
			return nil
		})
	e.OnActivity(operations.RecordOperationProgress, mock.Anything, mock.Anything).Return(
		func(_ context.Context, p activities.OperationProgress) error {
			e.mu.Lock()
			e.states = append(e.states, p.State)
			e.ops = append(e.ops, p.OperationID)
			hook := e.onState
			e.mu.Unlock()
			if hook != nil {
				hook(p.State)
			}
			return nil
		}).Maybe()
	return e
}

// applies mocks the gateway host: each apply takes d of workflow time and
// returns err, or the snapshot's hash.
func (e *gatewayEnv) applies(t *testing.T, d time.Duration, err error) {
	e.OnActivity(gatewayHost.ApplySiteGateway, mock.Anything, mock.Anything).After(d).Return(
		func(ctx context.Context, s gateway.Snapshot) (gateway.Result, error) {
			require.Equal(t, "gateway.lab1", activity.GetInfo(ctx).TaskQueue)
			e.mu.Lock()
			defer e.mu.Unlock()
			e.applied = append(e.applied, s)
			if err != nil {
				return gateway.Result{}, err
			}
			return gateway.Result{Hash: s.Hash(), AppliedAt: time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC), Changed: true}, nil
		})
}

func (e *gatewayEnv) run(t *testing.T) SiteGatewayResult {
	return e.runWith(t, uuid.New())
}

func (e *gatewayEnv) runWith(t *testing.T, operationID uuid.UUID) SiteGatewayResult {
	e.ExecuteWorkflow(SiteGatewayType.Name, SiteGatewayInput{SiteID: testSiteID, SiteName: "lab1", OperationID: operationID})
	require.True(t, e.IsWorkflowCompleted())
	require.NoError(t, e.GetWorkflowError())
	var res SiteGatewayResult
	require.NoError(t, e.GetWorkflowResult(&res))
	return res
}

func TestSiteGatewayRecordsApplied(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Second, nil)

	res := e.run(t)

	require.Equal(t, 1, res.Applies)
	require.Len(t, e.records, 1)
	r := e.records[0]
	require.Equal(t, domain.GatewayApplied, r.Status)
	require.Equal(t, e.applied[0].Hash(), r.Hash)
	require.False(t, r.AppliedAt.IsZero())
	require.Empty(t, r.Error)
	require.Equal(t, domain.OpCompleted, e.states[len(e.states)-1])
}

func TestSiteGatewayRecordsRejection(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Second, temporal.NewNonRetryableApplicationError("nginx -t: unknown directive \"bogus\"",
		activities.ErrTypeGatewayRejected, nil))

	res := e.run(t)

	require.Equal(t, domain.GatewayFailed, res.Status)
	require.Len(t, e.applied, 1, "a rejection is not retried")
	require.Len(t, e.records, 1)
	require.Equal(t, domain.GatewayFailed, e.records[0].Status)
	require.Contains(t, e.records[0].Error, `nginx -t: unknown directive "bogus"`)
	require.Equal(t, domain.OpFailed, e.states[len(e.states)-1])
}

func TestSiteGatewayCoalescesRequestsDuringAnApply(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Minute, nil)
	for _, at := range []time.Duration{10 * time.Second, 20 * time.Second, 30 * time.Second} {
		e.RegisterDelayedCallback(func() {
			e.SignalWorkflow(SiteGatewayApplySignal, SiteGatewayApplyRequest{Reason: "container changed"})
		}, at)
	}

	res := e.run(t)

	require.Equal(t, 2, res.Applies)
	require.Len(t, e.applied, 2)
	require.Equal(t, "lab2.internal", e.applied[1].InternalDomain, "the second apply reads a fresh snapshot")
	require.Equal(t, e.applied[1].Hash(), e.records[1].Hash)
}

func TestSiteGatewayAppliesARequestThatArrivesAtTheEnd(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Minute, nil)
	// The request arrives while the run reports itself completed, after
	// its last look at the requests during the apply.
	var once sync.Once
	e.onState = func(s domain.OperationState) {
		if s == domain.OpCompleted {
			once.Do(func() { e.SignalWorkflow(SiteGatewayApplySignal, SiteGatewayApplyRequest{Reason: "late"}) })
		}
	}

	res := e.run(t)

	require.Equal(t, 2, res.Applies)
	require.Equal(t, []domain.OperationState{domain.OpRunning, domain.OpCompleted}, e.states,
		"the finished operation is not reopened by a request that does not name it")
}

func TestSiteGatewayReopensTheOperationARequestJoins(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Minute, nil)
	op := uuid.New()
	var once sync.Once
	e.onState = func(s domain.OperationState) {
		if s == domain.OpCompleted {
			once.Do(func() { e.SignalWorkflow(SiteGatewayApplySignal, SiteGatewayApplyRequest{OperationID: op}) })
		}
	}

	res := e.runWith(t, op)

	require.Equal(t, 2, res.Applies)
	require.Equal(t, []domain.OperationState{domain.OpRunning, domain.OpCompleted, domain.OpRunning, domain.OpCompleted}, e.states)
}

func TestSiteGatewayAdoptsTheOperationOfARequest(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Minute, nil)
	op := uuid.New()
	e.RegisterDelayedCallback(func() {
		e.SignalWorkflow(SiteGatewayApplySignal, SiteGatewayApplyRequest{Reason: "api", OperationID: op})
	}, 10*time.Second)

	res := e.runWith(t, uuid.Nil)

	require.Equal(t, 2, res.Applies)
	require.Equal(t, []uuid.UUID{op, op}, e.ops, "the run reports to the request's operation once it has one")
	require.Equal(t, []domain.OperationState{domain.OpRunning, domain.OpCompleted}, e.states)
}

func TestSiteGatewayWithoutWorkerNamesTheQueue(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, 0, temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START, nil))

	res := e.run(t)

	require.Equal(t, domain.GatewayFailed, res.Status)
	require.Len(t, e.records, 1)
	require.Contains(t, e.records[0].Error, `queue "gateway.lab1"`)
	require.Contains(t, e.records[0].Error, "labforge-worker --site lab1")
}

func TestSiteGatewayWorkflowID(t *testing.T) {
	require.Equal(t, "site/"+testSiteID.String()+"/gateway", SiteGatewayWorkflowID(testSiteID))
}

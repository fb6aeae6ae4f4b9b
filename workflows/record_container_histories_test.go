//go:build record

package workflows

// Records the container workflows' histories (and a SiteGateway run that
// answers them) for TestReplayRecordedHistories; see record_histories_test.go:
//
//	go test -tags record -run TestRecordContainerHistories -count=1 ./workflows/
//
// testdata/site_gateway_recorded_before_replies.json is a SiteGateway run
// recorded by the code before requests could ask for a reply (commit
// 8df5151): it shows that a run whose requests carry no ReplyTo still
// replays.

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/gateway"
	"github.com/labforge/labforge/internal/temporalx"
)

// abortedCT's creation fails, so that the operator aborts it.
var abortedCT = uuid.MustParse("66666666-6666-4666-8666-666666666666")

// fakeContainers answers the container activities and the site gateway's
// without Proxmox, PostgreSQL or a gateway host; its methods carry the
// real activities' names and signatures. RequestApply starts the real
// SiteGateway workflow, which signals the requester back.
type fakeContainers struct{ c client.Client }

func (*fakeContainers) AllocateContainer(_ context.Context, id uuid.UUID) (activities.ContainerPlan, error) {
	p := testCtPlan
	p.Guest.Container = id
	return p, nil
}
func (*fakeContainers) LoadContainer(_ context.Context, id uuid.UUID) (activities.ContainerPlan, error) {
	p := testCtPlan
	p.Guest.Container, p.State, p.Power = id, domain.GuestReady, domain.PowerRunning
	return p, nil
}
func (*fakeContainers) RecordContainer(context.Context, activities.ContainerUpdate) error { return nil }
func (*fakeContainers) ReleaseContainer(context.Context, uuid.UUID) error                 { return nil }
func (*fakeContainers) EnsureContainerTemplate(context.Context, activities.ContainerPlan) (string, error) {
	return "local:vztmpl/docker.io_library_nginx_1.27.tar", nil
}
func (*fakeContainers) CreateContainerGuest(_ context.Context, in activities.ContainerCreate) error {
	if in.Plan.Guest.Container == abortedCT {
		return temporal.NewNonRetryableApplicationError("unable to create CT 10100 - disk full", "TaskFailed", nil)
	}
	return nil
}
func (*fakeContainers) PowerContainer(_ context.Context, in activities.ContainerPowerRequest) (domain.PowerState, error) {
	if in.Action == activities.ContainerPowerStop {
		return domain.PowerStopped, nil
	}
	return domain.PowerRunning, nil
}
func (*fakeContainers) WaitContainerIPv4(_ context.Context, in activities.ContainerAddress) (string, error) {
	return in.IPv4, nil
}
func (*fakeContainers) ResizeContainer(context.Context, activities.ContainerResize) error { return nil }
func (*fakeContainers) DestroyContainer(context.Context, activities.ContainerRef) error   { return nil }
func (f *fakeContainers) RequestApply(ctx context.Context, r activities.GatewayApplyRequest) error {
	_, err := SignalSiteGatewayApply(ctx, f.c, SiteGatewayInput{SiteID: r.SiteID, SiteName: r.SiteName},
		SiteGatewayApplyRequest{Reason: r.Reason, ReplyTo: r.ReplyTo, RequestID: r.RequestID})
	return err
}
func (*fakeContainers) SiteGatewaySnapshot(context.Context, uuid.UUID) (gateway.Snapshot, error) {
	return gateway.Snapshot{Site: testCtPlan.SiteName, InternalDomain: "lab.internal"}, nil
}
func (*fakeContainers) RecordSiteGateway(context.Context, activities.SiteGatewayRecord) error {
	return nil
}

type fakeGatewayHost struct{}

func (*fakeGatewayHost) ApplySiteGateway(_ context.Context, s gateway.Snapshot) (gateway.Result, error) {
	return gateway.Result{Hash: s.Hash(), AppliedAt: time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC), Changed: true}, nil
}

func TestRecordContainerHistories(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	require.NoError(t, temporalx.EnsureSearchAttributes(ctx, c, ts.GetDefaultNamespace()))
	fake := &fakeContainers{c: c}
	for _, q := range []string{activities.QueueCore, activities.QueuePVEClone, activities.QueuePVEActions} {
		ts.NewWorker(q, func(r worker.Registry) {
			require.NoError(t, Register(r, q, testTuning()))
			r.RegisterActivity(fake)
			r.RegisterActivity(&fakeOperations{})
		})
	}
	ts.NewWorker(activities.GatewayQueue(testCtPlan.SiteName), func(r worker.Registry) { r.RegisterActivity(&fakeGatewayHost{}) })
	id := testCT
	start := func(typ Type, wid string, ct uuid.UUID, in any) client.WorkflowRun {
		run, err := c.ExecuteWorkflow(ctx, ContainerStartOptions(typ, wid, ct, testCtPlan.SiteName), typ.Name, in)
		require.NoError(t, err)
		return run
	}

	run := start(CreateContainerType, CreateContainerWorkflowID(id), id,
		CreateContainerInput{OperationID: uuid.MustParse("77777777-7777-4777-8777-777777777777"), Container: id})
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "create_container.json")
	desc, err := c.DescribeWorkflow(ctx, run.GetID(), run.GetRunID())
	require.NoError(t, err)
	for key, want := range map[temporal.SearchAttributeKeyKeyword]string{
		temporalx.KeyContainerID: id.String(), temporalx.KeySite: "lab-a", temporalx.KeyNode: "pve1",
		temporalx.KeyState: StateValue(domain.OpCompleted),
	} {
		got, ok := desc.TypedSearchAttributes.GetKeyword(key)
		require.True(t, ok, key.GetName())
		require.Equal(t, want, got, key.GetName())
	}
	gwRun := c.GetWorkflow(ctx, SiteGatewayWorkflowID(testCtPlan.SiteID), "")
	require.NoError(t, gwRun.Get(ctx, nil))
	save(ctx, t, c, gwRun, "site_gateway_reply.json")

	cores := 2
	run = start(UpdateContainerType, ContainerOpWorkflowID(id), id, UpdateContainerInput{
		OperationID: uuid.MustParse("88888888-8888-4888-8888-888888888888"), Container: id,
		Resources: ContainerResources{Cores: &cores}, ServicesChanged: true})
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "update_container.json")

	run = start(ContainerActionType, ContainerOpWorkflowID(id), id, ContainerActionInput{
		OperationID: uuid.MustParse("99999999-9999-4999-8999-999999999999"), Container: id, Action: ContainerRestart})
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "container_action_restart.json")

	run = start(DeleteContainerType, DeleteContainerWorkflowID(id), id, DeleteContainerInput{
		OperationID: uuid.MustParse("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"), Container: id})
	require.NoError(t, run.Get(ctx, nil))
	save(ctx, t, c, run, "delete_container.json")

	run = start(CreateContainerType, CreateContainerWorkflowID(abortedCT), abortedCT, CreateContainerInput{
		OperationID: uuid.MustParse("bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"), Container: abortedCT})
	awaitOperator(ctx, t, c, run)
	require.NoError(t, c.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), OperatorSignal, OperatorDecision{Action: OperatorAbort}))
	require.True(t, IsAborted(run.Get(ctx, nil)))
	save(ctx, t, c, run, "create_container_aborted_compensated.json")
}

package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/proxmox"
)

var (
	gw *activities.Gateways

	testCT = uuid.MustParse("5c7d3a52-0f6e-4f7e-9a51-5b2c1d0e9f10")

	testCtPlan = activities.ContainerPlan{
		Guest: activities.ContainerRef{Container: testCT, Hostname: "web-1", Cluster: "lab",
			NodeID: uuid.MustParse("1e1f3a52-0f6e-4f7e-9a51-5b2c1d0e9f10"), Node: "pve1", VMID: 10100},
		SiteID: uuid.MustParse("2e2f3a52-0f6e-4f7e-9a51-5b2c1d0e9f10"), SiteName: "lab-a", Placed: true,
		State: domain.GuestProvisioning, Power: domain.PowerUnknown, Source: "docker.io/library/nginx:1.27",
		Bridge: "vmbr0", Storage: "local-lvm", Cores: 1, MemoryMB: 512, SwapMB: 512, DiskGB: 4,
		IPv4: "10.10.0.20", MAC: "BC:24:11:00:00:20", SearchDomain: "lab.internal", Nameserver: "10.10.0.1",
	}
)

// ctEnv is a vmEnv with the container activities mocked: each records
// its call (and checks its queue); gateway applies reply with the status
// gatewayReply returns for the nth apply (1-based).
type ctEnv struct {
	*vmEnv
	gatewayReply func(n int) SiteGatewayApplied
	applies      int
}

func newCtEnv(t *testing.T) *ctEnv {
	e := &ctEnv{vmEnv: newVMEnv(t),
		gatewayReply: func(int) SiteGatewayApplied { return SiteGatewayApplied{Status: domain.GatewayApplied, Hash: "h"} }}
	return e
}

// mockContainerHappyPath mocks every container activity to succeed.
func (e *ctEnv) mockContainerHappyPath(t *testing.T) {
	e.OnActivity(bk.AllocateContainer, mock.Anything, testCT).Return(
		func(ctx context.Context, _ uuid.UUID) (activities.ContainerPlan, error) {
			e.record(t, ctx, "AllocateContainer", activities.QueueCore)
			return testCtPlan, nil
		}).Maybe()
	e.OnActivity(bk.LoadContainer, mock.Anything, testCT).Return(
		func(ctx context.Context, _ uuid.UUID) (activities.ContainerPlan, error) {
			e.record(t, ctx, "LoadContainer", activities.QueueCore)
			p := testCtPlan
			p.State, p.Power = domain.GuestReady, domain.PowerRunning
			return p, nil
		}).Maybe()
	e.OnActivity(bk.RecordContainer, mock.Anything, mock.Anything).Return(func(ctx context.Context, u activities.ContainerUpdate) error {
		e.record(t, ctx, "RecordContainer:"+string(u.State)+":"+string(u.Power), activities.QueueCore)
		return nil
	}).Maybe()
	e.OnActivity(bk.ReleaseContainer, mock.Anything, testCT).Return(func(ctx context.Context, _ uuid.UUID) error {
		e.record(t, ctx, "ReleaseContainer", activities.QueueCore)
		return nil
	}).Maybe()
	e.OnActivity(px.EnsureContainerTemplate, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, _ activities.ContainerPlan) (string, error) {
			e.record(t, ctx, "EnsureContainerTemplate", activities.QueuePVEClone)
			return "local:vztmpl/docker.io_library_nginx_1.27.tar", nil
		}).Maybe()
	e.OnActivity(px.CreateContainerGuest, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.ContainerCreate) error {
		e.record(t, ctx, "CreateContainerGuest", activities.QueuePVEActions)
		require.Equal(t, "local:vztmpl/docker.io_library_nginx_1.27.tar", in.Template)
		require.Equal(t, testCtPlan.MAC, in.Plan.MAC)
		return nil
	}).Maybe()
	e.OnActivity(px.PowerContainer, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ContainerPowerRequest) (domain.PowerState, error) {
			e.record(t, ctx, "PowerContainer:"+string(in.Action), activities.QueuePVEActions)
			if in.Action == activities.ContainerPowerStop {
				return domain.PowerStopped, nil
			}
			return domain.PowerRunning, nil
		}).Maybe()
	e.OnActivity(px.WaitContainerIPv4, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ContainerAddress) (string, error) {
			e.record(t, ctx, "WaitContainerIPv4", activities.QueuePVEActions)
			require.Equal(t, testCtPlan.IPv4, in.IPv4)
			return in.IPv4, nil
		}).Maybe()
	e.OnActivity(px.ResizeContainer, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ContainerResize) error {
		e.record(t, ctx, "ResizeContainer", activities.QueuePVEActions)
		return nil
	}).Maybe()
	e.OnActivity(px.DestroyContainer, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ContainerRef) error {
		e.record(t, ctx, "DestroyContainer", activities.QueuePVEActions)
		return nil
	}).Maybe()
	e.OnActivity(gw.RequestApply, mock.Anything, mock.Anything).Return(func(ctx context.Context, r activities.GatewayApplyRequest) error {
		e.record(t, ctx, "RequestApply", activities.QueueCore)
		require.NotEmpty(t, r.ReplyTo)
		require.Equal(t, testCtPlan.SiteName, r.SiteName)
		e.mu.Lock()
		e.applies++
		reply := e.gatewayReply(e.applies)
		e.mu.Unlock()
		// The gateway workflow answers an earlier request first (ignored),
		// then this one.
		e.SignalWorkflow(SiteGatewayAppliedSignal, SiteGatewayApplied{RequestID: "stale", Status: domain.GatewayFailed})
		reply.RequestID = r.RequestID
		e.SignalWorkflow(SiteGatewayAppliedSignal, reply)
		return nil
	}).Maybe()
}

var createCalls = []string{"AllocateContainer", "EnsureContainerTemplate", "CreateContainerGuest", "RequestApply",
	"PowerContainer:start", "WaitContainerIPv4", "RecordContainer:ready:running", "RequestApply"}

func TestCreateContainerCreatesPublishesBeforeStartAndRecords(t *testing.T) {
	e := newCtEnv(t)
	e.mockContainerHappyPath(t)
	e.ExecuteWorkflow(CreateContainerType.Name, CreateContainerInput{OperationID: uuid.New(), Container: testCT})
	require.True(t, e.IsWorkflowCompleted())
	require.NoError(t, e.GetWorkflowError())
	var res CreateContainerResult
	require.NoError(t, e.GetWorkflowResult(&res))
	require.Equal(t, CreateContainerResult{Node: "pve1", VMID: 10100, IPv4: "10.10.0.20", MAC: "BC:24:11:00:00:20",
		Power: domain.PowerRunning}, res)
	require.Equal(t, createCalls, e.calls)
	require.Equal(t, domain.OpCompleted, e.states[len(e.states)-1])
	require.NotContains(t, e.states, domain.OpAwaitingOperator)
}

func TestCreateContainerAddressMismatchWaitsForTheOperator(t *testing.T) {
	e := newCtEnv(t)
	attempts := 0
	e.OnActivity(px.WaitContainerIPv4, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ContainerAddress) (string, error) {
			attempts++
			e.record(t, ctx, "WaitContainerIPv4", activities.QueuePVEActions)
			if attempts == 1 {
				return "10.10.0.150", temporal.NewNonRetryableApplicationError("leased 10.10.0.150 instead of 10.10.0.20",
					activities.ErrTypeAddressMismatch, nil)
			}
			return in.IPv4, nil
		})
	e.mockContainerHappyPath(t)
	e.signalAt(time.Minute, OperatorRetry, func() {
		p := e.progress(t)
		require.Equal(t, domain.OpAwaitingOperator, p.State)
		require.Equal(t, "wait for the reserved address", p.Step)
		require.Contains(t, p.Error, activities.ErrTypeAddressMismatch)
	})
	e.ExecuteWorkflow(CreateContainerType.Name, CreateContainerInput{OperationID: uuid.New(), Container: testCT})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, 2, attempts)
	require.Contains(t, e.states, domain.OpAwaitingOperator)
}

func TestCreateContainerAbortCompensatesInReverse(t *testing.T) {
	e := newCtEnv(t)
	e.OnActivity(px.PowerContainer, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ContainerPowerRequest) (domain.PowerState, error) {
			e.record(t, ctx, "PowerContainer:"+string(in.Action), activities.QueuePVEActions)
			return domain.PowerUnknown, temporal.NewNonRetryableApplicationError("startup for container failed", "TaskFailed", nil)
		})
	e.mockContainerHappyPath(t)
	e.signalAt(time.Minute, OperatorAbort, func() {
		require.Equal(t, "start", e.progress(t).Step)
	})
	e.ExecuteWorkflow(CreateContainerType.Name, CreateContainerInput{OperationID: uuid.New(), Container: testCT})
	err := e.GetWorkflowError()
	require.True(t, IsAborted(err), "error: %v", err)
	require.Equal(t, []string{"AllocateContainer", "EnsureContainerTemplate", "CreateContainerGuest", "RequestApply",
		"PowerContainer:start",
		"RecordContainer:failed:", "RequestApply", "DestroyContainer", "ReleaseContainer", "RecordContainer:failed:"}, e.calls)
	require.Equal(t, domain.OpAborted, e.progress(t).State)
}

func TestCreateContainerNotDestroyedKeepsItsAllocation(t *testing.T) {
	e := newCtEnv(t)
	e.OnActivity(px.CreateContainerGuest, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ContainerCreate) error {
		e.record(t, ctx, "CreateContainerGuest", activities.QueuePVEActions)
		return temporal.NewNonRetryableApplicationError("VMID 10100 is taken by another guest", string(proxmox.AlreadyExists), nil)
	})
	e.OnActivity(px.DestroyContainer, mock.Anything, mock.Anything).Return(func(ctx context.Context, _ activities.ContainerRef) error {
		e.record(t, ctx, "DestroyContainer", activities.QueuePVEActions)
		return temporal.NewNonRetryableApplicationError("guest 10100 is not Labforge container; refusing", string(proxmox.Conflict), nil)
	})
	e.mockContainerHappyPath(t)
	e.signalAt(time.Minute, OperatorAbort, nil)
	e.ExecuteWorkflow(CreateContainerType.Name, CreateContainerInput{OperationID: uuid.New(), Container: testCT})
	require.Error(t, e.GetWorkflowError())
	require.NotContains(t, e.calls, "ReleaseContainer", "a VMID whose guest was not confirmed gone stays allocated")
	require.Equal(t, domain.OpFailed, e.progress(t).State)
}

func TestCreateContainerCancelledWhileAllocatingUndoesTheStoredAllocation(t *testing.T) {
	e := newCtEnv(t)
	e.OnActivity(bk.AllocateContainer, mock.Anything, testCT).Return(
		func(ctx context.Context, _ uuid.UUID) (activities.ContainerPlan, error) {
			return testCtPlan, nil
		}).After(time.Hour)
	e.mockContainerHappyPath(t)
	e.RegisterDelayedCallback(e.CancelWorkflow, time.Minute)
	e.ExecuteWorkflow(CreateContainerType.Name, CreateContainerInput{Container: testCT})
	require.Error(t, e.GetWorkflowError())
	require.Equal(t, []string{"LoadContainer", "RecordContainer:failed:", "RequestApply", "DestroyContainer",
		"ReleaseContainer", "RecordContainer:failed:"}, e.calls)
}

func TestCreateContainerGatewayFailureGoesToTheOperator(t *testing.T) {
	e := newCtEnv(t)
	e.gatewayReply = func(n int) SiteGatewayApplied {
		if n == 1 {
			return SiteGatewayApplied{Status: domain.GatewayFailed, Error: "dnsmasq --test: bad dhcp-host"}
		}
		return SiteGatewayApplied{Status: domain.GatewayApplied}
	}
	e.mockContainerHappyPath(t)
	e.signalAt(time.Minute, OperatorRetry, func() {
		p := e.progress(t)
		require.Equal(t, domain.OpAwaitingOperator, p.State)
		require.Equal(t, "DHCP reservation and DNS name", p.Step)
		require.Contains(t, p.Error, "dnsmasq --test: bad dhcp-host")
		require.Contains(t, p.Error, activities.ErrTypeGatewayNotApplied)
		require.NotContains(t, e.calls, "PowerContainer:start", "no start before the reservation is live")
	})
	e.ExecuteWorkflow(CreateContainerType.Name, CreateContainerInput{OperationID: uuid.New(), Container: testCT})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, 3, e.applies)
}

func TestCreateContainerWithoutGatewayWorkerTimesOutNamingTheQueue(t *testing.T) {
	e := newCtEnv(t)
	e.OnActivity(gw.RequestApply, mock.Anything, mock.Anything).Return(nil) // nobody answers
	e.mockContainerHappyPath(t)
	e.signalAt(gatewayReplyTimeout+time.Minute, OperatorAbort, func() {
		p := e.progress(t)
		require.Equal(t, domain.OpAwaitingOperator, p.State)
		require.Contains(t, p.Error, `queue "gateway.lab-a"`)
		require.Contains(t, p.Error, "labforge-worker --site lab-a")
	})
	e.ExecuteWorkflow(CreateContainerType.Name, CreateContainerInput{OperationID: uuid.New(), Container: testCT})
	require.True(t, IsAborted(e.GetWorkflowError()))
}

func TestDeleteContainerOfAGoneGuestReleasesAndMarksDeleted(t *testing.T) {
	e := newCtEnv(t)
	e.mockContainerHappyPath(t) // DestroyContainer succeeds for a guest already gone
	e.ExecuteWorkflow(DeleteContainerType.Name, DeleteContainerInput{OperationID: uuid.New(), Container: testCT})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, []string{"LoadContainer", "RecordContainer:deleting:", "RequestApply", "DestroyContainer",
		"ReleaseContainer", "RecordContainer:deleted:stopped"}, e.calls)
	require.Equal(t, domain.OpCompleted, e.progress(t).State)
}

func TestContainerActionOnAMissingGuestRecordsMissing(t *testing.T) {
	e := newCtEnv(t)
	e.OnActivity(px.PowerContainer, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ContainerPowerRequest) (domain.PowerState, error) {
			e.record(t, ctx, "PowerContainer:"+string(in.Action), activities.QueuePVEActions)
			return domain.PowerUnknown, temporal.NewNonRetryableApplicationError("Configuration file does not exist",
				string(proxmox.NotFound), nil)
		})
	e.mockContainerHappyPath(t)
	e.ExecuteWorkflow(ContainerActionType.Name, ContainerActionInput{OperationID: uuid.New(), Container: testCT, Action: ContainerStart})
	err := e.GetWorkflowError()
	require.True(t, activities.HasErrorType(err, activities.ErrTypeGuestMissing), "error: %v", err)
	require.Equal(t, []string{"LoadContainer", "PowerContainer:start", "RecordContainer:missing:unknown"}, e.calls)
	p := e.progress(t)
	require.Equal(t, domain.OpFailed, p.State)
	require.Contains(t, p.Error, "no longer exists in Proxmox")
	require.NotContains(t, e.states, domain.OpAwaitingOperator)
}

func TestContainerActionsRecordPower(t *testing.T) {
	for _, tc := range []struct {
		action ContainerActionKind
		power  domain.PowerState
	}{{ContainerStop, domain.PowerStopped}, {ContainerRestart, domain.PowerRunning}} {
		t.Run(string(tc.action), func(t *testing.T) {
			e := newCtEnv(t)
			e.mockContainerHappyPath(t)
			e.ExecuteWorkflow(ContainerActionType.Name, ContainerActionInput{OperationID: uuid.New(), Container: testCT, Action: tc.action})
			require.NoError(t, e.GetWorkflowError())
			var res ContainerActionResult
			require.NoError(t, e.GetWorkflowResult(&res))
			require.Equal(t, tc.power, res.Power)
			require.Equal(t, []string{"LoadContainer", "PowerContainer:" + string(tc.action), "RecordContainer::" + string(tc.power)}, e.calls)
		})
	}
}

func TestUpdateContainerResizesRecordsAndAppliesServices(t *testing.T) {
	e := newCtEnv(t)
	cores, disk := 2, 10
	e.OnActivity(px.ResizeContainer, mock.Anything, mock.Anything).Return(func(ctx context.Context, in activities.ContainerResize) error {
		e.record(t, ctx, "ResizeContainer", activities.QueuePVEActions)
		require.Equal(t, 2, *in.Cores)
		require.Equal(t, 10, *in.DiskGB)
		require.Nil(t, in.MemoryMB)
		return nil
	})
	e.OnActivity(bk.RecordContainer, mock.Anything, mock.Anything).Return(func(ctx context.Context, u activities.ContainerUpdate) error {
		e.record(t, ctx, "RecordContainer", activities.QueueCore)
		require.Equal(t, 2, *u.Cores)
		require.Equal(t, 10, *u.DiskGB)
		return nil
	})
	e.mockContainerHappyPath(t)
	e.ExecuteWorkflow(UpdateContainerType.Name, UpdateContainerInput{OperationID: uuid.New(), Container: testCT,
		Resources: ContainerResources{Cores: &cores, DiskGB: &disk}, ServicesChanged: true})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, []string{"LoadContainer", "ResizeContainer", "RecordContainer", "RequestApply"}, e.calls)
	require.Equal(t, domain.OpCompleted, e.progress(t).State)
}

func TestContainerActionOnAContainerBeingCreatedIsRefused(t *testing.T) {
	e := newCtEnv(t)
	e.OnActivity(bk.LoadContainer, mock.Anything, testCT).Return(
		func(ctx context.Context, _ uuid.UUID) (activities.ContainerPlan, error) {
			e.record(t, ctx, "LoadContainer", activities.QueueCore)
			return testCtPlan, nil // provisioning
		})
	e.mockContainerHappyPath(t)
	e.ExecuteWorkflow(ContainerActionType.Name, ContainerActionInput{OperationID: uuid.New(), Container: testCT, Action: ContainerStop})
	err := e.GetWorkflowError()
	require.True(t, activities.HasErrorType(err, activities.ErrTypeNotProvisioned), "error: %v", err)
	require.Equal(t, []string{"LoadContainer"}, e.calls)
	require.Equal(t, domain.OpFailed, e.progress(t).State)
}

func TestUpdateContainerServicesOnlyAppliesTheGateway(t *testing.T) {
	e := newCtEnv(t)
	e.mockContainerHappyPath(t)
	e.ExecuteWorkflow(UpdateContainerType.Name, UpdateContainerInput{OperationID: uuid.New(), Container: testCT, ServicesChanged: true})
	require.NoError(t, e.GetWorkflowError())
	require.Equal(t, []string{"LoadContainer", "RequestApply"}, e.calls)
}

func TestContainerWorkflowIDs(t *testing.T) {
	require.Equal(t, "ct/"+testCT.String()+"/create", CreateContainerWorkflowID(testCT))
	require.Equal(t, "ct/"+testCT.String()+"/op", ContainerOpWorkflowID(testCT))
	require.Equal(t, "ct/"+testCT.String()+"/delete", DeleteContainerWorkflowID(testCT))
}

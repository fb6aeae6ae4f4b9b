package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// replies mocks the signals SiteGateway sends requesters, collecting each
// with the number of outcomes recorded when it was sent.
func (e *gatewayEnv) replies(t *testing.T, replyTo string) *[]struct {
	reply    SiteGatewayApplied
	recorded int
} {
	var got []struct {
		reply    SiteGatewayApplied
		recorded int
	}
	e.OnSignalExternalWorkflow(mock.Anything, replyTo, "", SiteGatewayAppliedSignal, mock.Anything).Return(
		func(_, _, _, _ string, arg any) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			got = append(got, struct {
				reply    SiteGatewayApplied
				recorded int
			}{arg.(SiteGatewayApplied), len(e.records)})
			return nil
		})
	return &got
}

func TestSiteGatewayRepliesOnceTheApplyThatServedARequestIsRecorded(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Minute, nil)
	got := e.replies(t, "ct/x/create")
	// Arrives during the first apply: the second one serves it.
	e.RegisterDelayedCallback(func() {
		e.SignalWorkflow(SiteGatewayApplySignal, SiteGatewayApplyRequest{ReplyTo: "ct/x/create", RequestID: "r1"})
	}, 10*time.Second)

	res := e.run(t)

	require.Equal(t, 2, res.Applies)
	require.Len(t, *got, 1)
	r := (*got)[0]
	require.Equal(t, 2, r.recorded, "the reply follows the record of the apply that started after the request")
	require.Equal(t, SiteGatewayApplied{RequestID: "r1", Status: domain.GatewayApplied, Hash: e.applied[1].Hash()}, r.reply)
}

func TestSiteGatewayRepliesAFailedApply(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Minute, temporal.NewNonRetryableApplicationError("dnsmasq --test: bad option",
		activities.ErrTypeGatewayRejected, nil))
	got := e.replies(t, "ct/y/op")
	e.RegisterDelayedCallback(func() {
		e.SignalWorkflow(SiteGatewayApplySignal, SiteGatewayApplyRequest{ReplyTo: "ct/y/op", RequestID: "r7"})
	}, 10*time.Second)

	e.run(t)

	require.Len(t, *got, 1)
	reply := (*got)[0].reply
	require.Equal(t, "r7", reply.RequestID)
	require.Equal(t, domain.GatewayFailed, reply.Status)
	require.Contains(t, reply.Error, "dnsmasq --test: bad option")
}

// TestSiteGatewayAppliesForARequestWhileItWaitsForReplies sends a request
// while the run, its last apply done, waits for a requester to take its
// reply: the run applies once more rather than end with it unserved.
func TestSiteGatewayAppliesForARequestWhileItWaitsForReplies(t *testing.T) {
	e := newGatewayEnv(t)
	e.applies(t, time.Second, nil)
	var replies int
	e.OnSignalExternalWorkflow(mock.Anything, "ct/slow/create", "", SiteGatewayAppliedSignal, mock.Anything).After(time.Minute).Return(
		func(_, _, _, _ string, _ any) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			replies++
			return nil
		})
	e.RegisterDelayedCallback(func() {
		e.SignalWorkflow(SiteGatewayApplySignal, SiteGatewayApplyRequest{ReplyTo: "ct/slow/create", RequestID: "r1"})
	}, 0)
	// After the first apply, while its reply is still on its way.
	e.RegisterDelayedCallback(func() {
		e.SignalWorkflow(SiteGatewayApplySignal, SiteGatewayApplyRequest{Reason: "another container"})
	}, 30*time.Second)

	res := e.run(t)

	require.Equal(t, 2, res.Applies, "the request that arrived while the run waited for its reply was served")
	require.Equal(t, 1, replies)
}

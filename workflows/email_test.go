package workflows

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

// TestSendEmailStepQueuesThenSendsRetryingTemporaryFailures runs the
// helper other workflows call: the entry is logged once with an id drawn
// in the workflow, and a temporary SMTP failure is retried.
func TestSendEmailStepQueuesThenSendsRetryingTemporaryFailures(t *testing.T) {
	env := newTestEnv(t)
	env.RegisterWorkflowWithOptions(tuned(testTuning(), func(ctx workflow.Context, req EmailRequest) (activities.SendEmailResult, error) {
		return SendEmailStep(ctx, req)
	}), workflow.RegisterOptions{Name: "EmailStepForTest"})
	var queued activities.QueueEmailInput
	env.OnActivity(emails.QueueEmail, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.QueueEmailInput) (uuid.UUID, error) {
		queued = in
		return in.ID, nil
	}).Once()
	env.OnActivity(emails.SendEmail, mock.Anything, mock.Anything).
		Return(activities.SendEmailResult{}, temporal.NewApplicationError("SMTP 451", activities.ErrTypeEmailTemporary)).Once()
	var sent activities.SendEmailInput
	env.OnActivity(emails.SendEmail, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.SendEmailInput) (activities.SendEmailResult, error) {
		sent = in
		return activities.SendEmailResult{Status: domain.EmailSent, Attempts: 2}, nil
	}).Once()

	env.ExecuteWorkflow("EmailStepForTest", EmailRequest{To: "alice@example.org", Template: mail.VMReady,
		Data: mail.VMReadyData{VM: "dc1", Recipient: mail.Person{Name: "Alice"}}})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res activities.SendEmailResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, domain.EmailSent, res.Status)
	require.NotEqual(t, uuid.Nil, queued.ID)
	require.Equal(t, queued.ID, sent.EmailID)
	require.Equal(t, int32(emailMaxAttempts), sent.MaxAttempts)
	var data mail.VMReadyData
	require.NoError(t, json.Unmarshal(queued.Data, &data))
	require.Equal(t, "dc1", data.VM)
}

// TestSendEmailWorkflowStopsAtAPermanentFailure runs the workflow the
// API's resend starts.
func TestSendEmailWorkflowStopsAtAPermanentFailure(t *testing.T) {
	env := newTestEnv(t)
	id := uuid.New()
	env.OnActivity(emails.SendEmail, mock.Anything, activities.SendEmailInput{EmailID: id, MaxAttempts: emailMaxAttempts}).
		Return(activities.SendEmailResult{Status: domain.EmailFailed, Attempts: 1},
			temporal.NewNonRetryableApplicationError("SMTP 550", activities.ErrTypeEmailFailed, nil)).Once()
	env.ExecuteWorkflow(SendEmailType.Name, SendEmailInput{EmailID: id})
	require.True(t, env.IsWorkflowCompleted())
	require.True(t, activities.HasErrorType(env.GetWorkflowError(), activities.ErrTypeEmailFailed), "%v", env.GetWorkflowError())
	require.Equal(t, "email/"+id.String()+"/send-2", SendEmailWorkflowID(id, 2))
}

package workflows

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// E-mail, for workflows: a workflow that wants to tell someone something
// calls SendEmailStep with the template key, the recipient and the
// template's data struct (internal/mail: mail.EventDeployedData, ...):
//
//	res, err := SendEmailStep(ctx, EmailRequest{To: p.Email, Template: mail.EventDeployed,
//		Data: mail.EventDeployedData{Recipient: ..., Event: ..., Connections: ...}})
//
// It renders and logs the e-mail (QueueEmail), then sends it (SendEmail),
// retrying temporary SMTP failures for about an hour. Its error is the
// activities' classified error (EmailFailed, Invalid, NotFound): an e-mail
// that cannot be sent is in the e-mail log as failed, where an
// administrator can resend it, so callers usually log the error and go on
// rather than fail. To send without waiting, run the SendEmail workflow
// as a child with ParentClosePolicy ABANDON instead (see SendEmailChild).

// SendEmailType sends one queued entry of the e-mail log: the API starts
// it to resend a failed e-mail; workflows may start it as a child.
var SendEmailType = Type{Name: "SendEmail", Queue: activities.QueueCore}

// SendEmailWorkflowID is the workflow ID of sending a log entry:
// email/<id>/send-<n>, where n is the entry's attempts so far, so that
// each resend has its own ID and two resends of one attempt conflict.
func SendEmailWorkflowID(emailID uuid.UUID, attempts int) string {
	return fmt.Sprintf("email/%s/send-%d", emailID, attempts)
}

// emailMaxAttempts bounds SendEmail's retries; its last attempt records a
// temporary failure as failed.
const emailMaxAttempts = 10

var (
	// queueEmailSpec: rendering and logging; retried until PostgreSQL
	// answers, a bad template or data fails at once (Invalid).
	queueEmailSpec = activitySpec{startToClose: 30 * time.Second,
		retry: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 20}}
	// sendEmailSpec: one SMTP delivery (LABFORGE_SMTP_TIMEOUT per command);
	// temporary failures are retried with backoff for about an hour.
	sendEmailSpec = activitySpec{startToClose: 5 * time.Minute,
		retry: &temporal.RetryPolicy{InitialInterval: 30 * time.Second, BackoffCoefficient: 2, MaximumInterval: 15 * time.Minute,
			MaximumAttempts: emailMaxAttempts}}
)

// EmailRequest asks for one e-mail. Data is the template's data struct
// (or its JSON); an unknown template or data that does not fit it fails
// with Invalid or NotFound.
type EmailRequest struct {
	To       string
	Template string
	Data     any
}

// SendEmailInput names the log entry the SendEmail workflow sends.
type SendEmailInput struct {
	EmailID uuid.UUID
}

// QueueEmailStep renders and logs the e-mail req asks for and returns
// its log entry's id. The id is drawn once per call and kept in the
// workflow's history, so a retried or replayed step logs it once.
func QueueEmailStep(ctx workflow.Context, req EmailRequest) (uuid.UUID, error) {
	data, err := json.Marshal(req.Data)
	if err != nil {
		return uuid.Nil, temporal.NewNonRetryableApplicationError("e-mail data: "+err.Error(), activities.ErrTypeInvalid, err)
	}
	var id uuid.UUID
	if err := workflow.SideEffect(ctx, func(workflow.Context) any { return uuid.New() }).Get(&id); err != nil {
		return uuid.Nil, err
	}
	in := activities.QueueEmailInput{ID: id, To: req.To, Template: req.Template, Data: data}
	err = exec(ctx, queueEmailSpec, &id, emails.QueueEmail, in)
	return id, err
}

// SendEmailStep is QueueEmailStep then the sending of the entry.
func SendEmailStep(ctx workflow.Context, req EmailRequest) (activities.SendEmailResult, error) {
	id, err := QueueEmailStep(ctx, req)
	if err != nil {
		return activities.SendEmailResult{}, err
	}
	return sendQueued(ctx, id)
}

// SendEmailChild logs the e-mail req asks for and starts the SendEmail
// workflow for it without waiting: the parent may end before it is sent.
func SendEmailChild(ctx workflow.Context, req EmailRequest) (uuid.UUID, error) {
	id, err := QueueEmailStep(ctx, req)
	if err != nil {
		return id, err
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: SendEmailWorkflowID(id, 0), TaskQueue: SendEmailType.Queue,
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	f := workflow.ExecuteChildWorkflow(cctx, SendEmailType.Name, SendEmailInput{EmailID: id})
	return id, f.GetChildWorkflowExecution().Get(ctx, nil)
}

// SendEmail sends the queued log entry in.EmailID, retrying temporary
// failures; see activities.Email.SendEmail.
func SendEmail(ctx workflow.Context, in SendEmailInput) (activities.SendEmailResult, error) {
	return sendQueued(ctx, in.EmailID)
}

func sendQueued(ctx workflow.Context, id uuid.UUID) (activities.SendEmailResult, error) {
	var res activities.SendEmailResult
	err := exec(ctx, sendEmailSpec, &res, emails.SendEmail, activities.SendEmailInput{EmailID: id, MaxAttempts: emailMaxAttempts})
	return res, err
}

package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/internal/sim/smtpsink"
	"github.com/labforge/labforge/workflows"
)

// TestEmailEndToEnd runs e-mail on the real stack (PostgreSQL, Temporal,
// a core worker) against the SMTP sink: an administrator's template is
// saved through the API and used, a refused e-mail is logged failed, and
// its resend through the API delivers it.
func TestEmailEndToEnd(t *testing.T) {
	t.Parallel()
	sink, err := smtpsink.Start(smtpsink.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sink.Close() })
	s := apptest.Start(t, apptest.WithQueues(activities.QueueCore), func(c *config.Config) {
		c.SMTPHost, c.SMTPPort, c.SMTPTLS = sink.Host(), sink.Port(), mail.TLSNone
	})
	token := s.AdminToken(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	r := s.Do(t, "PUT", "/api/v1/email-templates/vm.ready", token,
		map[string]string{"subject": "Ready: {{.VM}}", "body": "<p>{{.Recipient.Name}}, {{.VM}} is up</p>"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	bad := s.Do(t, "PUT", "/api/v1/email-templates/vm.ready", token, map[string]string{"subject": "x", "body": "{{.Recipient.Pin}}"})
	require.Equal(t, http.StatusBadRequest, bad.Status)
	require.Contains(t, string(bad.Body), ".Recipient.Pin")

	// Render and log as QueueEmail does, then send with the workflow.
	spec, tmpl, err := mail.Effective(ctx, s.Platform.DB, mail.VMReady)
	require.NoError(t, err)
	data := mail.VMReadyData{Recipient: mail.Person{Name: "<Alice>", Email: "alice@example.org"}, VM: "dc1"}
	rendered, err := spec.Render(tmpl, data)
	require.NoError(t, err)
	raw, _ := json.Marshal(data)
	e := &domain.Email{ID: uuid.New(), Recipient: "alice@example.org", TemplateKey: spec.Key, Subject: rendered.Subject, Body: rendered.HTML, Data: raw}
	require.NoError(t, s.Platform.DB.CreateEmail(ctx, e))

	sink.Reject(550, "mailbox unavailable", 1)
	run, err := s.Platform.Temporal.ExecuteWorkflow(ctx, workflows.SendEmailType.StartOptions(workflows.SendEmailWorkflowID(e.ID, 0)),
		workflows.SendEmailType.Name, workflows.SendEmailInput{EmailID: e.ID})
	require.NoError(t, err)
	require.True(t, activities.HasErrorType(run.Get(ctx, nil), activities.ErrTypeEmailFailed))

	var page struct {
		Items []domain.Email `json:"items"`
	}
	r = s.Do(t, "GET", "/api/v1/email-log?status=failed&recipient=ALICE@example.org", token, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &page)
	require.Len(t, page.Items, 1)
	require.Contains(t, page.Items[0].Error, "550")
	require.Equal(t, "Ready: dc1", page.Items[0].Subject)

	r = s.Do(t, "POST", "/api/v1/email-log/"+e.ID.String()+"/resend", token, nil)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	require.Eventually(t, func() bool {
		got, err := s.Platform.DB.FindEmail(ctx, e.ID)
		return err == nil && got.Status == domain.EmailSent
	}, 60*time.Second, 100*time.Millisecond)
	again := s.Do(t, "POST", "/api/v1/email-log/"+e.ID.String()+"/resend", token, nil)
	require.Equal(t, http.StatusConflict, again.Status, "a sent e-mail is not resent")

	msgs := sink.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "Ready: dc1", msgs[0].Subject)
	require.Contains(t, msgs[0].HTML, "&lt;Alice&gt;, dc1 is up")
}

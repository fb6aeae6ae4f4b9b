package activities

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/internal/sim/smtpsink"
)

// memEmails is an in-memory domain.EmailStore with the store's status rules.
type memEmails struct {
	mu        sync.Mutex
	templates map[string]domain.EmailTemplate
	emails    map[uuid.UUID]*domain.Email
}

func newMemEmails() *memEmails {
	return &memEmails{templates: map[string]domain.EmailTemplate{}, emails: map[uuid.UUID]*domain.Email{}}
}

func (m *memEmails) ListEmailTemplates(context.Context) ([]domain.EmailTemplate, error) {
	return nil, nil
}

func (m *memEmails) FindEmailTemplate(_ context.Context, key string) (*domain.EmailTemplate, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.templates[key]; ok {
		return &t, nil
	}
	return nil, domain.NotFoundf("no saved template %s", key)
}

func (m *memEmails) SaveEmailTemplate(_ context.Context, t *domain.EmailTemplate) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.templates[t.Key] = *t
	return nil
}

func (m *memEmails) CreateEmail(_ context.Context, e *domain.Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.emails[e.ID]; ok {
		*e = *old
		return nil
	}
	e.Status, e.CreatedAt = domain.EmailQueued, time.Now()
	c := *e
	m.emails[e.ID] = &c
	return nil
}

func (m *memEmails) FindEmail(_ context.Context, id uuid.UUID) (*domain.Email, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.emails[id]
	if !ok {
		return nil, domain.NotFoundf("e-mail %s not found", id)
	}
	c := *e
	return &c, nil
}

func (m *memEmails) ListEmails(context.Context, domain.EmailFilter) ([]domain.Email, string, error) {
	return nil, "", nil
}

func (m *memEmails) RecordEmailAttempt(_ context.Context, id uuid.UUID, status domain.EmailStatus, msg string) (*domain.Email, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.emails[id]
	if !ok {
		return nil, domain.NotFoundf("e-mail %s not found", id)
	}
	if e.Status != domain.EmailQueued {
		return nil, domain.Conflictf("e-mail %s is %s", id, e.Status)
	}
	e.Status, e.Error, e.Attempts = status, msg, e.Attempts+1
	c := *e
	return &c, nil
}

func (m *memEmails) RequeueEmail(_ context.Context, id uuid.UUID) (*domain.Email, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.emails[id]
	if !ok || e.Status != domain.EmailFailed {
		return nil, domain.Conflictf("e-mail %s has not failed", id)
	}
	e.Status, e.Error = domain.EmailQueued, ""
	c := *e
	return &c, nil
}

// emailEnv runs Email's activities against an SMTP sink with STARTTLS and AUTH PLAIN.
func emailEnv(t *testing.T) (*testsuite.TestActivityEnvironment, *memEmails, *smtpsink.Sink) {
	t.Helper()
	sink, err := smtpsink.Start(smtpsink.Options{StartTLS: true, Username: "labforge", Password: "pw-0123456789"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sink.Close() })
	sender, err := mail.NewSMTP(mail.Config{Host: sink.Host(), Port: sink.Port(), TLS: mail.TLSStartTLS, Auth: mail.AuthPlain,
		Username: "labforge", Password: "pw-0123456789", From: "labforge@example.org", Timeout: 5 * time.Second,
		TLSConfig: &tls.Config{RootCAs: sink.CertPool(), ServerName: sink.Host(), MinVersion: tls.VersionTLS12}})
	require.NoError(t, err)
	store := newMemEmails()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&Email{Store: store, Sender: sender})
	return env, store, sink
}

func queueVMReady(t *testing.T, env *testsuite.TestActivityEnvironment, name string) uuid.UUID {
	t.Helper()
	data, _ := json.Marshal(mail.VMReadyData{Recipient: mail.Person{Name: name, Email: "alice@example.org"}, VM: "dc1"})
	in := QueueEmailInput{ID: uuid.New(), To: "alice@example.org", Template: mail.VMReady, Data: data}
	for range 2 { // a retried QueueEmail adds the entry once
		v, err := env.ExecuteActivity("QueueEmail", in)
		require.NoError(t, err)
		var id uuid.UUID
		require.NoError(t, v.Get(&id))
		require.Equal(t, in.ID, id)
	}
	return in.ID
}

func TestSendEmailSendsOnceAndRecordsIt(t *testing.T) {
	t.Parallel()
	env, store, sink := emailEnv(t)
	id := queueVMReady(t, env, "<Alice>")
	for range 2 { // the retry after a recorded send sends nothing
		v, err := env.ExecuteActivity("SendEmail", SendEmailInput{EmailID: id, MaxAttempts: 5})
		require.NoError(t, err)
		var res SendEmailResult
		require.NoError(t, v.Get(&res))
		require.Equal(t, SendEmailResult{Status: domain.EmailSent, Attempts: 1}, res)
	}
	msgs := sink.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "Your VM dc1 is ready", msgs[0].Subject)
	require.Contains(t, msgs[0].HTML, "&lt;Alice&gt;")
	e, _ := store.FindEmail(context.Background(), id)
	require.Equal(t, domain.EmailSent, e.Status)
}

func TestSendEmailRetriesTemporaryFailuresAndRecordsPermanentOnes(t *testing.T) {
	t.Parallel()
	env, store, sink := emailEnv(t)
	ctx := context.Background()

	id := queueVMReady(t, env, "Alice")
	sink.Reject(451, "greylisted", 1)
	_, err := env.ExecuteActivity("SendEmail", SendEmailInput{EmailID: id, MaxAttempts: 5})
	require.True(t, HasErrorType(err, ErrTypeEmailTemporary), "%v", err)
	var ae *temporal.ApplicationError
	require.ErrorAs(t, err, &ae)
	require.False(t, ae.NonRetryable())
	e, _ := store.FindEmail(ctx, id)
	require.Equal(t, domain.EmailQueued, e.Status, "a temporary failure stays queued")
	require.Contains(t, e.Error, "451")
	_, err = env.ExecuteActivity("SendEmail", SendEmailInput{EmailID: id, MaxAttempts: 5})
	require.NoError(t, err, "the retry goes through")
	e, _ = store.FindEmail(ctx, id)
	require.Equal(t, domain.EmailSent, e.Status)
	require.Equal(t, 2, e.Attempts)

	id = queueVMReady(t, env, "Bob")
	sink.Reject(550, "mailbox unavailable", 1)
	_, err = env.ExecuteActivity("SendEmail", SendEmailInput{EmailID: id, MaxAttempts: 5})
	require.True(t, HasErrorType(err, ErrTypeEmailFailed), "%v", err)
	require.ErrorAs(t, err, &ae)
	require.True(t, ae.NonRetryable())
	e, _ = store.FindEmail(ctx, id)
	require.Equal(t, domain.EmailFailed, e.Status)
	require.Contains(t, e.Error, "550")

	// Resending a failed e-mail (the API requeues it) sends it again.
	_, err = store.RequeueEmail(ctx, id)
	require.NoError(t, err)
	_, err = env.ExecuteActivity("SendEmail", SendEmailInput{EmailID: id, MaxAttempts: 5})
	require.NoError(t, err)
	e, _ = store.FindEmail(ctx, id)
	require.Equal(t, domain.EmailSent, e.Status)
	require.Equal(t, 2, e.Attempts)
	require.Len(t, sink.Messages(), 2)
}

func TestSendEmailWithoutSMTPIsSkipped(t *testing.T) {
	t.Parallel()
	store := newMemEmails()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&Email{Store: store})
	id := queueVMReady(t, env, "Alice")
	v, err := env.ExecuteActivity("SendEmail", SendEmailInput{EmailID: id})
	require.NoError(t, err)
	var res SendEmailResult
	require.NoError(t, v.Get(&res))
	require.Equal(t, domain.EmailSkipped, res.Status)
	e, _ := store.FindEmail(context.Background(), id)
	require.Equal(t, SkippedNotConfigured, e.Error)

	_, err = env.ExecuteActivity("QueueEmail", QueueEmailInput{ID: uuid.New(), To: "a@b.c", Template: "vm.gone", Data: json.RawMessage(`{}`)})
	require.True(t, HasErrorType(err, ErrTypeNotFound), "%v", err)
	_, err = env.ExecuteActivity("QueueEmail", QueueEmailInput{ID: uuid.New(), To: "a@b.c", Template: mail.VMReady, Data: json.RawMessage(`{"pin": 1}`)})
	require.True(t, HasErrorType(err, ErrTypeInvalid), "data the template does not have: %v", err)
}

// TestQueueEmailFallsBackToTheDefaultWhenTheSavedTemplateFails checks an
// administrator's template that renders the sample but not the real data.
func TestQueueEmailFallsBackToTheDefaultWhenTheSavedTemplateFails(t *testing.T) {
	t.Parallel()
	store := newMemEmails()
	require.NoError(t, store.SaveEmailTemplate(context.Background(), &domain.EmailTemplate{Key: mail.EventDeployed,
		Subject: "first: {{(index .Connections 0).Machine}}", Body: "<p>x</p>", Customized: true}))
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&Email{Store: store})
	in := QueueEmailInput{ID: uuid.New(), To: "a@example.org", Template: mail.EventDeployed,
		Data: json.RawMessage(`{"event": {"name": "Lab"}, "connections": []}`)}
	_, err := env.ExecuteActivity("QueueEmail", in)
	require.NoError(t, err)
	e, err := store.FindEmail(context.Background(), in.ID)
	require.NoError(t, err)
	require.Equal(t, "Your lab for Lab is ready", e.Subject)
}

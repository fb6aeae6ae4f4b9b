package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/workflows"
)

// noSavedTemplates makes the fake store hold no administrator's templates.
func noSavedTemplates(h *fakeAPI) {
	h.emails.ListEmailTemplatesFn = func(context.Context) ([]domain.EmailTemplate, error) { return nil, nil }
	h.emails.FindEmailTemplateFn = func(_ context.Context, key string) (*domain.EmailTemplate, error) {
		return nil, domain.NotFoundf("no saved template %s", key)
	}
}

// TestHandlerEmailTemplatesAreForAdministrators checks that only
// administrators reach the template and log routes.
func TestHandlerEmailTemplatesAreForAdministrators(t *testing.T) {
	t.Parallel()
	for _, route := range []struct{ method, path string }{
		{"GET", "/api/v1/email-templates"}, {"GET", "/api/v1/email-templates/vm.ready"},
		{"PUT", "/api/v1/email-templates/vm.ready"}, {"POST", "/api/v1/email-templates/vm.ready/preview"},
		{"GET", "/api/v1/email-log"}, {"POST", "/api/v1/email-log/" + uuid.NewString() + "/resend"},
	} {
		for _, as := range []func(*fakeAPI) *caller{instructor, participant} {
			h := newFakeAPI(t)
			var body any
			if route.method == "PUT" {
				body = map[string]string{"subject": "s", "body": "b"}
			}
			h.do(as(h), route.method, route.path, body).requireError(t, http.StatusForbidden, domain.KindForbidden)
		}
	}
}

func TestHandlerListAndGetEmailTemplates(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	now := time.Now()
	h.emails.ListEmailTemplatesFn = func(context.Context) ([]domain.EmailTemplate, error) {
		return []domain.EmailTemplate{{Key: mail.VMReady, Subject: "VM {{.VM}}", Body: "<p>{{.VM}}</p>", Customized: true, UpdatedAt: &now}}, nil
	}
	var list struct {
		Items []struct {
			Key        string   `json:"key"`
			Subject    string   `json:"subject"`
			Customized bool     `json:"customized"`
			Fields     []string `json:"fields"`
		} `json:"items"`
	}
	r := h.do(h.admin, "GET", "/api/v1/email-templates", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	r.json(t, &list)
	require.Len(t, list.Items, len(mail.Specs()))
	for _, it := range list.Items {
		require.Equal(t, it.Key == mail.VMReady, it.Customized, it.Key)
		require.NotEmpty(t, it.Fields)
	}

	noSavedTemplates(h)
	r = h.do(h.admin, "GET", "/api/v1/email-templates/event.deployed", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.Contains(t, string(r.body), `".Connections[].URL"`)
	h.do(h.admin, "GET", "/api/v1/email-templates/event.exploded", nil).requireError(t, http.StatusNotFound, domain.KindNotFound)
}

func TestHandlerPutEmailTemplate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		body   any
		fields map[string]string
	}{
		{name: "unknown field in the body", body: map[string]string{"subject": "ok", "body": "<p>{{.Recipient.Password}}</p>"},
			fields: map[string]string{"body": ".Recipient.Password"}},
		{name: "unknown field in the subject", body: map[string]string{"subject": "{{.Nope}}", "body": "<p>ok</p>"},
			fields: map[string]string{"subject": ".Nope"}},
		{name: "syntax error", body: map[string]string{"subject": "ok", "body": "{{if .VM}}"},
			fields: map[string]string{"body": "not a valid template"}},
		{name: "missing parts", body: map[string]string{}, fields: map[string]string{"subject": "must be set", "body": "must be set"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			noSavedTemplates(h)
			h.do(h.admin, "PUT", "/api/v1/email-templates/vm.ready", tc.body).requireFields(t, tc.fields)
		})
	}

	h := newFakeAPI(t)
	noSavedTemplates(h)
	var saved *domain.EmailTemplate
	h.emails.SaveEmailTemplateFn = func(_ context.Context, tmpl *domain.EmailTemplate) error {
		now := time.Now()
		tmpl.UpdatedAt, tmpl.Customized = &now, true
		saved = tmpl
		return nil
	}
	r := h.do(h.admin, "PUT", "/api/v1/email-templates/vm.ready", map[string]string{
		"subject": "VM {{.VM}} for {{.Recipient.Name}}", "body": "<p>{{range $i, $c := .Recipient.Name}}{{end}}</p>"})
	require.Equal(t, http.StatusBadRequest, r.status, "ranging over a string fails on the sample data: %s", r.body)
	r = h.do(h.admin, "PUT", "/api/v1/email-templates/vm.ready", map[string]string{
		"subject": "VM {{.VM}} for {{.Recipient.Name}}", "body": "<p>{{with .Connection}}{{.URL}}{{end}}</p>"})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.Equal(t, "VM {{.VM}} for {{.Recipient.Name}}", saved.Subject)
	require.Equal(t, h.admin.ID(), *saved.UpdatedBy)
	require.Contains(t, h.auditActions(), "email_template.update")
}

func TestHandlerPreviewEmailTemplate(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	noSavedTemplates(h)
	var got mail.Rendered
	r := h.do(h.admin, "POST", "/api/v1/email-templates/event.deployed/preview", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	r.json(t, &got)
	require.Equal(t, "Your lab for Windows Server workshop is ready", got.Subject)
	require.Contains(t, got.HTML, "dc1")

	r = h.do(h.admin, "POST", "/api/v1/email-templates/event.deployed/preview",
		map[string]string{"body": `<p title="{{.Recipient.Name}}">{{.Event.Name}} & co</p>`})
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	r.json(t, &got)
	require.Equal(t, `<p title="Alice Example">Windows Server workshop & co</p>`, got.HTML)

	h.do(h.admin, "POST", "/api/v1/email-templates/event.deployed/preview", map[string]string{"subject": "{{.Event.Secret}}"}).
		requireFields(t, map[string]string{"subject": ".Event.Secret"})
}

func TestHandlerListEmailLog(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	var got domain.EmailFilter
	h.emails.ListEmailsFn = func(_ context.Context, f domain.EmailFilter) ([]domain.Email, string, error) {
		got = f
		return []domain.Email{{ID: uuid.New(), Recipient: "a@example.org", TemplateKey: mail.VMReady, Subject: "s", Body: "<p>b</p>",
			Data: json.RawMessage(`{"vm":"dc1"}`), Status: domain.EmailFailed, Error: "SMTP 550: no", Attempts: 1,
			CreatedAt: time.Now(), UpdatedAt: time.Now()}}, "next", nil
	}
	r := h.do(h.admin, "GET", "/api/v1/email-log?status=failed&template=vm.ready&recipient=a@example.org&limit=5", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	require.Equal(t, domain.EmailFilter{Status: domain.EmailFailed, TemplateKey: mail.VMReady, Recipient: "a@example.org",
		Page: domain.Page{Limit: 5}}, got)
	h.do(h.admin, "GET", "/api/v1/email-log?status=lost&template=nope", nil).
		requireFields(t, map[string]string{"status": "", "template": ""})
}

func TestHandlerResendEmail(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	failed := domain.Email{ID: id, Recipient: "a@example.org", TemplateKey: mail.VMReady, Subject: "s", Body: "b",
		Data: json.RawMessage(`{}`), Status: domain.EmailFailed, Attempts: 3, CreatedAt: time.Now(), UpdatedAt: time.Now()}

	h := newFakeAPI(t)
	h.emails.RequeueEmailFn = func(_ context.Context, got uuid.UUID) (*domain.Email, error) {
		if got != id {
			return nil, domain.NotFoundf("e-mail %s not found", got)
		}
		e := failed
		e.Status, e.Error = domain.EmailQueued, ""
		return &e, nil
	}
	call := h.expectStart(workflows.SendEmailType, nil)
	r := h.do(h.admin, "POST", "/api/v1/email-log/"+id.String()+"/resend", nil)
	require.Equal(t, http.StatusAccepted, r.status, string(r.body))
	require.Equal(t, workflows.SendEmailWorkflowID(id, 3), call.options.ID)
	require.Equal(t, workflows.SendEmailInput{EmailID: id}, call.input)
	require.Contains(t, h.auditActions(), "email.resend")

	h.do(h.admin, "POST", "/api/v1/email-log/"+uuid.NewString()+"/resend", nil).requireError(t, http.StatusNotFound, domain.KindNotFound)
	h.emails.RequeueEmailFn = func(context.Context, uuid.UUID) (*domain.Email, error) {
		return nil, domain.Conflictf("e-mail %s has not failed; it is sent", id)
	}
	h.do(h.admin, "POST", "/api/v1/email-log/"+id.String()+"/resend", nil).requireError(t, http.StatusConflict, domain.KindConflict)
}

// TestHandlerServesNoDevMail checks that the API's own router has no
// /dev/mail: only the dev stack adds it, beside the API. The path is the
// web console's, which answers every GET outside /api with its index.
func TestHandlerServesNoDevMail(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.skipContract = true // the route is, rightly, not in the contract
	for _, path := range []string{"/dev/mail", "/dev/mail.json"} {
		r := h.do(h.admin, "GET", path, nil)
		require.Equal(t, string(testConsole["index.html"].Data), string(r.body), path)
	}
}

// TestHandlerResendThatCannotStartFailsTheEmailAgain checks that a resend
// Temporal refuses leaves the e-mail failed, so that it can be resent.
func TestHandlerResendThatCannotStartFailsTheEmailAgain(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.skipContract = true // a 500 is not in the contract
	id := uuid.New()
	h.emails.RequeueEmailFn = func(context.Context, uuid.UUID) (*domain.Email, error) {
		return &domain.Email{ID: id, Status: domain.EmailQueued, Attempts: 1}, nil
	}
	var recorded domain.EmailStatus
	h.emails.RecordEmailAttemptFn = func(_ context.Context, _ uuid.UUID, status domain.EmailStatus, msg string) (*domain.Email, error) {
		recorded = status
		require.Contains(t, msg, "the resend could not start")
		return &domain.Email{ID: id, Status: status}, nil
	}
	h.expectStart(workflows.SendEmailType, errors.New("temporal is down"))
	r := h.do(h.admin, "POST", "/api/v1/email-log/"+id.String()+"/resend", nil)
	require.Equal(t, http.StatusInternalServerError, r.status, string(r.body))
	require.Equal(t, domain.EmailFailed, recorded)
}

package mail_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

func TestEveryDefaultTemplatePassesItsCheckAndRenders(t *testing.T) {
	t.Parallel()
	keys := []string{}
	for _, s := range mail.Specs() {
		keys = append(keys, s.Key)
		d := s.Default()
		require.NoError(t, s.Check(d.Subject, d.Body), s.Key)
		r, err := s.Render(d, s.Sample)
		require.NoError(t, err, s.Key)
		require.NotEmpty(t, r.Subject, s.Key)
		require.NotContains(t, r.HTML, "<no value>", s.Key)
		require.NotEmpty(t, s.Fields(), s.Key)
	}
	require.Equal(t, []string{"account.invitation", "account.password_reset", "event.deploy_failed", "event.deployed", "event.ended", "event.ending_soon", "event.items_failed", "vm.ready"}, keys)
}

func TestCheckRejectsUnknownFieldsNamingTheTemplatePart(t *testing.T) {
	t.Parallel()
	s, ok := mail.Lookup(mail.EventDeployed)
	require.True(t, ok)
	cases := []struct{ subject, body, field, bad string }{
		{"{{.Event.Nmae}}", "ok", "subject", ".Event.Nmae"},
		{"ok", "{{.Password}}", "body", ".Password"},
		{"ok", "{{range .Connections}}{{.Passwd}}{{end}}", "body", ".Passwd"},
		{"ok", "{{with .Event}}{{.Owner}}{{end}}", "body", ".Owner"},
		{"ok", "{{range $c := .Connections}}{{$c.Secret}}{{end}}", "body", "$c.Secret"},
		{"ok", "{{if .Event}}{{$.Recipient.Phone}}{{end}}", "body", "$.Recipient.Phone"},
		{"ok", `{{printf "%s" .Nope}}`, "body", ".Nope"},
		{"ok", `{{define "x"}}{{end}}`, "body", "named templates"},
		{"ok", "{{.Event.Name", "body", "not a valid template"},
		{"ok", "{{(index .Connections 0).Secret}}", "body", "Secret"},
		{"ok", "{{index .Event.Name 7 8}}", "body", "cannot be rendered"},
	}
	for _, c := range cases {
		err := s.Check(c.subject, c.body)
		require.True(t, domain.IsKind(err, domain.KindInvalid), "%q %q: %v", c.subject, c.body, err)
		var de *domain.Error
		require.ErrorAs(t, err, &de)
		require.Contains(t, de.Fields[c.field], c.bad, "%q %q", c.subject, c.body)
	}
	// Methods of known types are fine.
	require.NoError(t, s.Check(`{{.Event.StartsAt.Format "2006"}}`, `{{len .Connections}}{{range $i, $c := .Connections}}{{$i}}{{$c.URL}}{{end}}`))
}

func TestRenderEscapesHostileDataInTheBody(t *testing.T) {
	t.Parallel()
	s, _ := mail.Lookup(mail.EventDeployed)
	data, err := s.Decode([]byte(`{"recipient":{"name":"<script>alert(1)</script>","email":"a@b.c"},
		"event":{"name":"Lab\r\nBcc: evil@x.org","url":"javascript:alert(1)"},
		"connections":[{"machine":"<b>dc1</b>","protocol":"rdp","url":"javascript:alert(2)"}]}`))
	require.NoError(t, err)
	r, err := s.Render(s.Default(), data)
	require.NoError(t, err)
	require.NotContains(t, r.HTML, "<script>")
	require.Contains(t, r.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;")
	require.NotContains(t, r.HTML, "<b>dc1</b>")
	require.NotContains(t, r.HTML, `href="javascript:`)
	require.NotContains(t, r.Subject, "\n")
	require.NotContains(t, r.Subject, "\r")

	_, err = s.Decode([]byte(`{"recipient":{},"password":"x"}`))
	require.True(t, domain.IsKind(err, domain.KindInvalid), "unknown data fields are refused: %v", err)
	require.True(t, strings.Contains(err.Error(), "password"), err.Error())
}

package smtpsink_test

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http/httptest"
	"net/smtp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/sim/smtpsink"
)

// TestSinkRequiresLoginAfterStartTLS checks the sink as a strict server:
// no AUTH before STARTTLS, no mail without AUTH, only its own login.
func TestSinkRequiresLoginAfterStartTLS(t *testing.T) {
	t.Parallel()
	sink, err := smtpsink.Start(smtpsink.Options{StartTLS: true, Username: "u", Password: "p"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sink.Close() })

	dial := func() *smtp.Client {
		c, err := smtp.Dial(sink.Addr())
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	c := dial()
	require.Error(t, c.Mail("a@example.org"), "mail without login is refused")

	c = dial()
	require.NoError(t, c.StartTLS(&tls.Config{RootCAs: sink.CertPool(), ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}))
	require.Error(t, c.Auth(smtp.PlainAuth("", "u", "wrong", "127.0.0.1")))

	c = dial()
	require.NoError(t, c.StartTLS(&tls.Config{RootCAs: sink.CertPool(), ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}))
	require.NoError(t, c.Auth(smtp.PlainAuth("", "u", "p", "127.0.0.1")))
	require.NoError(t, c.Mail("a@example.org"))
	require.NoError(t, c.Rcpt("b@example.org"))
	w, err := c.Data()
	require.NoError(t, err)
	_, err = io.WriteString(w, "Subject: hi\r\nContent-Type: text/html\r\n\r\n<script>x()</script><p>hi</p>\r\n")
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, c.Quit())

	msgs := sink.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "hi", msgs[0].Subject)
	require.Equal(t, []string{"b@example.org"}, msgs[0].To)

	rec := httptest.NewRecorder()
	sink.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/dev/mail.json", nil))
	var body struct{ Items []smtpsink.Message }
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	require.Len(t, body.Items, 1)
	rec = httptest.NewRecorder()
	sink.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/dev/mail", nil))
	page := rec.Body.String()
	require.Contains(t, page, `<iframe sandbox srcdoc="&lt;script&gt;`)
	require.False(t, strings.Contains(page, "<script>x()"), "the message's HTML does not run in the page")

	sink.Reset()
	require.Empty(t, sink.Messages())
}

package api_test

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/internal/sim/smtpsink"
)

// TestAccountFlowsEndToEnd runs the account e-mails on the real stack
// (PostgreSQL, Temporal, a core worker) against the SMTP sink: an
// invitation is mailed, accepted once and signed in with; a password
// reset is mailed, its link works once and only the new password signs
// in; repeated failed sign-ins answer 429 with Retry-After.
func TestAccountFlowsEndToEnd(t *testing.T) {
	t.Parallel()
	sink, err := smtpsink.Start(smtpsink.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = sink.Close() })
	s := apptest.Start(t, apptest.WithQueues(activities.QueueCore), func(c *config.Config) {
		c.SMTPHost, c.SMTPPort, c.SMTPTLS = sink.Host(), sink.Port(), mail.TLSNone
		c.PublicURL = "https://labforge.example.org"
	})
	admin := s.AdminToken(t)
	link := regexp.MustCompile(`https://labforge\.example\.org/(invitation|password-reset)\?token=([A-Za-z0-9_-]+)`)
	// mailTo waits for the n-th message of the sink and returns the page
	// and token of its link.
	mailTo := func(n int, to string) (page, token string) {
		t.Helper()
		require.Eventually(t, func() bool { return len(sink.Messages()) >= n }, 60*time.Second, 100*time.Millisecond, "message %d", n)
		msg := sink.Messages()[n-1]
		require.Equal(t, []string{to}, msg.To)
		m := link.FindStringSubmatch(msg.HTML)
		require.NotNil(t, m, "no link in %s", msg.HTML)
		return m[1], m[2]
	}

	r := s.Do(t, "POST", "/api/v1/invitations", admin, map[string]any{"email": "nina@example.org", "display_name": "Nina", "roles": []string{"instructor"}})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	page, token := mailTo(1, "nina@example.org")
	require.Equal(t, "invitation", page)
	require.Equal(t, "You are invited to Labforge", sink.Messages()[0].Subject)

	weak := s.Do(t, "POST", "/api/v1/invitations/"+token+"/accept", "", map[string]any{"username": "nina", "password": "qwertyuiop123"})
	require.Equal(t, http.StatusBadRequest, weak.Status, string(weak.Body))
	require.Contains(t, string(weak.Body), `"password":"is one of the most commonly used passwords; choose another"`)
	r = s.Do(t, "POST", "/api/v1/invitations/"+token+"/accept", "", map[string]any{"username": "nina", "password": "first-Nina-passphrase"})
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), `"roles":["instructor"]`)
	again := s.Do(t, "POST", "/api/v1/invitations/"+token+"/accept", "", map[string]any{"username": "nina2", "password": "first-Nina-passphrase"})
	require.Equal(t, http.StatusNotFound, again.Status, "an invitation works once: %s", again.Body)
	s.Login(t, "nina", "first-Nina-passphrase")
	r = s.Do(t, "GET", "/api/v1/invitations", admin, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), `"status":"accepted"`)

	unknown := s.Do(t, "POST", "/api/v1/auth/password-reset", "", map[string]any{"email": "nobody@example.org"})
	require.Equal(t, http.StatusAccepted, unknown.Status, string(unknown.Body))
	r = s.Do(t, "POST", "/api/v1/auth/password-reset", "", map[string]any{"email": "NINA@example.org"})
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	require.Equal(t, string(unknown.Body), string(r.Body), "the answer does not tell who has an account")
	page, token = mailTo(2, "nina@example.org")
	require.Equal(t, "password-reset", page)
	r = s.Do(t, "POST", "/api/v1/auth/password-reset/"+token, "", map[string]any{"password": "second-Nina-passphrase"})
	require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
	r = s.Do(t, "POST", "/api/v1/auth/password-reset/"+token, "", map[string]any{"password": "third-Nina-passphrase"})
	require.Equal(t, http.StatusNotFound, r.Status, "a reset link works once: %s", r.Body)
	old := s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "nina", "password": "first-Nina-passphrase"})
	require.Equal(t, http.StatusUnauthorized, old.Status, string(old.Body))
	s.Login(t, "nina", "second-Nina-passphrase")
	require.Len(t, sink.Messages(), 2, "no e-mail for an address without an account")

	var last *apptest.Response
	for i := 0; i < 10; i++ {
		last = s.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"username": "nina", "password": "not-her-password"})
		if last.Status == http.StatusTooManyRequests {
			break
		}
		require.Equal(t, http.StatusUnauthorized, last.Status, string(last.Body))
	}
	require.Equal(t, http.StatusTooManyRequests, last.Status, "failed sign-ins are throttled")
	secs, err := strconv.Atoi(last.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, secs, 1)
	require.Contains(t, string(last.Body), "too many failed sign-ins")
	time.Sleep(time.Duration(secs) * time.Second)
	s.Login(t, "nina", "second-Nina-passphrase")
}

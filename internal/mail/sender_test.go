package mail_test

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/mail"
	"github.com/labforge/labforge/internal/sim/smtpsink"
)

// sinkConfig is a mail.Config for sink, trusting its certificate.
func sinkConfig(sink *smtpsink.Sink, mode, user, password string) mail.Config {
	return mail.Config{Host: sink.Host(), Port: sink.Port(), TLS: mode, Auth: mail.AuthPlain, Username: user, Password: password,
		From: "Labforge <labforge@example.org>", Timeout: 5 * time.Second,
		TLSConfig: &tls.Config{RootCAs: sink.CertPool(), ServerName: sink.Host(), MinVersion: tls.VersionTLS12}}
}

func startSink(t *testing.T, opts smtpsink.Options) *smtpsink.Sink {
	t.Helper()
	sink, err := smtpsink.Start(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sink.Close() })
	return sink
}

func TestSendOverStartTLSWithAuth(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink := startSink(t, smtpsink.Options{StartTLS: true, Username: "mailer", Password: "s3cret-pass"})
	s, err := mail.NewSMTP(sinkConfig(sink, mail.TLSStartTLS, "mailer", "s3cret-pass"))
	require.NoError(t, err)
	require.NoError(t, s.Send(ctx, mail.Message{To: "alice@example.org", Subject: "Grüße & <hello>", HTML: "<p>Hi &amp; welcome</p>", ID: "e1"}))
	msgs := sink.Messages()
	require.Len(t, msgs, 1)
	require.Equal(t, "Grüße & <hello>", msgs[0].Subject)
	require.Equal(t, []string{"alice@example.org"}, msgs[0].To)
	require.Equal(t, "labforge@example.org", msgs[0].From)
	require.Contains(t, msgs[0].HTML, "<p>Hi &amp; welcome</p>")

	bad, err := mail.NewSMTP(sinkConfig(sink, mail.TLSStartTLS, "mailer", "wrong"))
	require.NoError(t, err)
	err = bad.Send(ctx, mail.Message{To: "alice@example.org", Subject: "x", HTML: "x"})
	require.Error(t, err)
	require.False(t, mail.IsTemporary(err), "a refused login is permanent: %v", err)
	require.NotContains(t, err.Error(), "wrong", "the password is not in the error")

	// Implicit TLS (SMTPS), with PLAIN and with LOGIN.
	smtps := startSink(t, smtpsink.Options{ImplicitTLS: true, Username: "mailer", Password: "s3cret-pass"})
	s, err = mail.NewSMTP(sinkConfig(smtps, mail.TLSImplicit, "mailer", "s3cret-pass"))
	require.NoError(t, err)
	require.NoError(t, s.Send(ctx, mail.Message{To: "carol@example.org", Subject: "over SMTPS", HTML: "<p>c</p>"}))
	require.Equal(t, "over SMTPS", smtps.Messages()[0].Subject)
	login := sinkConfig(smtps, mail.TLSImplicit, "mailer", "s3cret-pass")
	login.Auth = mail.AuthLogin
	s, err = mail.NewSMTP(login)
	require.NoError(t, err)
	require.NoError(t, s.Send(ctx, mail.Message{To: "carol@example.org", Subject: "with LOGIN", HTML: "x"}))
	require.Equal(t, "with LOGIN", smtps.Messages()[1].Subject)
	login.Password = "wrong"
	s, err = mail.NewSMTP(login)
	require.NoError(t, err)
	err = s.Send(ctx, mail.Message{To: "carol@example.org", Subject: "x", HTML: "x"})
	require.Error(t, err)
	require.False(t, mail.IsTemporary(err), "a refused LOGIN is permanent: %v", err)

	// A mandatory STARTTLS refuses a server without it.
	plain := startSink(t, smtpsink.Options{})
	s, err = mail.NewSMTP(sinkConfig(plain, mail.TLSStartTLS, "", ""))
	require.NoError(t, err)
	err = s.Send(ctx, mail.Message{To: "alice@example.org", Subject: "x", HTML: "x"})
	require.Error(t, err)
	require.False(t, mail.IsTemporary(err), "%v", err)
	require.Empty(t, plain.Messages())
}

func TestSendClassifiesFailures(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sink := startSink(t, smtpsink.Options{})
	s, err := mail.NewSMTP(sinkConfig(sink, mail.TLSNone, "", ""))
	require.NoError(t, err)
	msg := mail.Message{To: "bob@example.org", Subject: "s", HTML: "<p>b</p>"}

	sink.Reject(451, "try again later", 1)
	err = s.Send(ctx, msg)
	require.Error(t, err)
	require.True(t, mail.IsTemporary(err), "4xx is temporary: %v", err)
	require.NoError(t, s.Send(ctx, msg), "the next attempt goes through")

	sink.Reject(550, "no such user", 1)
	err = s.Send(ctx, msg)
	require.Error(t, err)
	require.False(t, mail.IsTemporary(err), "5xx is permanent: %v", err)

	require.NoError(t, sink.SetDown(true))
	err = s.Send(ctx, msg)
	require.Error(t, err)
	require.True(t, mail.IsTemporary(err), "a server that is down is temporary: %v", err)
	require.NoError(t, sink.SetDown(false))
	require.NoError(t, s.Send(ctx, msg))
	require.Len(t, sink.Messages(), 2)
}

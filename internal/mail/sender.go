// Package mail renders Labforge's e-mails from their templates and sends
// them over SMTP (github.com/wneessen/go-mail).
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"syscall"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of the SMTP connection (LABFORGE_SMTP_TLS).
const (
	// TLSStartTLS upgrades the connection with STARTTLS and refuses a
	// server that does not offer it.
	TLSStartTLS = "starttls"
	// TLSOpportunistic upgrades with STARTTLS when the server offers it.
	TLSOpportunistic = "opportunistic"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit = "tls"
	// TLSNone never encrypts: only for a server on the same host.
	TLSNone = "none"
)

// Auth mechanisms (LABFORGE_SMTP_AUTH), used when a username is set.
const (
	AuthPlain = "plain"
	AuthLogin = "login"
)

// Config is how to reach the SMTP server. An empty Host turns e-mail off.
type Config struct {
	Host     string
	Port     int
	TLS      string
	Auth     string
	Username string
	Password string
	From     string
	Timeout  time.Duration
	// TLSConfig, when set, replaces the default (verify the server's
	// certificate for Host against the system roots); tests trust the
	// sink's self-signed certificate with it.
	TLSConfig *tls.Config
}

// Enabled reports whether e-mail is configured.
func (c Config) Enabled() bool { return c.Host != "" }

// Message is one e-mail to one recipient.
type Message struct {
	To      string
	Subject string
	HTML    string
	// ID becomes the Message-ID's local part, so that a message and its
	// resends can be told apart by the receiver.
	ID string
}

// Sender sends e-mails.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends each message over a new SMTP connection.
type SMTP struct {
	cfg Config
}

// NewSMTP checks cfg and returns a sender for it.
func NewSMTP(cfg Config) (*SMTP, error) {
	if !cfg.Enabled() {
		return nil, errors.New("e-mail is not configured: no SMTP host")
	}
	m := gomail.NewMsg()
	if err := m.From(cfg.From); err != nil {
		return nil, fmt.Errorf("the sender address %q: %w", cfg.From, err)
	}
	if _, err := cfg.options(); err != nil {
		return nil, err
	}
	return &SMTP{cfg: cfg}, nil
}

// options maps the configuration to go-mail's client options. The
// password goes to the client only: it is never logged.
func (c Config) options() ([]gomail.Option, error) {
	opts := []gomail.Option{gomail.WithPort(c.Port), gomail.WithTimeout(c.Timeout)}
	tlsCfg := c.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	opts = append(opts, gomail.WithTLSConfig(tlsCfg))
	switch c.TLS {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("unknown SMTP TLS mode %q; use starttls, opportunistic, tls or none", c.TLS)
	}
	if c.Username != "" {
		// The NoEnc variants let go-mail authenticate over a connection it
		// did not encrypt, which only TLSNone and TLSOpportunistic allow.
		mech := map[string]gomail.SMTPAuthType{AuthPlain: gomail.SMTPAuthPlain, AuthLogin: gomail.SMTPAuthLogin}
		if c.TLS == TLSNone || c.TLS == TLSOpportunistic {
			mech = map[string]gomail.SMTPAuthType{AuthPlain: gomail.SMTPAuthPlainNoEnc, AuthLogin: gomail.SMTPAuthLoginNoEnc}
		}
		m, ok := mech[c.Auth]
		if !ok {
			return nil, fmt.Errorf("unknown SMTP auth mechanism %q; use plain or login", c.Auth)
		}
		opts = append(opts, gomail.WithSMTPAuth(m), gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	return opts, nil
}

// Send delivers m. Its error is an *Error that says whether a retry may
// succeed.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return &Error{Err: err}
	}
	if err := msg.To(m.To); err != nil {
		return &Error{Err: fmt.Errorf("recipient %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID + "@labforge")
	}
	msg.SetDate()
	opts, err := s.cfg.options()
	if err != nil {
		return &Error{Err: err}
	}
	client, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return &Error{Err: err}
	}
	return classify(client.DialAndSendWithContext(ctx, msg))
}

// Error is a failed delivery. Temporary errors (SMTP 4xx replies, network
// trouble, timeouts) may succeed on a retry; permanent ones (5xx replies,
// a refused login, a bad address or configuration) will not.
type Error struct {
	Temporary bool
	// Code is the SMTP reply code, 0 when the server gave none.
	Code int
	Err  error
}

func (e *Error) Error() string {
	if e.Code != 0 {
		return "SMTP " + strconv.Itoa(e.Code) + ": " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// IsTemporary reports whether err is a delivery failure a retry may fix.
// Errors that are not *Error count as temporary.
func IsTemporary(err error) bool {
	var me *Error
	if errors.As(err, &me) {
		return me.Temporary
	}
	return true
}

// classify turns go-mail's error into an *Error.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() != 0 {
		return &Error{Temporary: se.ErrorCode() < 500, Code: se.ErrorCode(), Err: err}
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return &Error{Temporary: te.Code < 500, Code: te.Code, Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		return &Error{Temporary: true, Err: err}
	}
	if se != nil {
		return &Error{Temporary: se.IsTemp(), Err: err}
	}
	// go-mail's own refusals (no STARTTLS offered, unsupported auth
	// mechanism, TLS handshake failures) need a configuration change.
	return &Error{Temporary: false, Err: err}
}

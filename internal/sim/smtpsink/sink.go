// Package smtpsink is an SMTP server that keeps what it receives, for
// tests and the dev stack: it listens on loopback, can offer STARTTLS with
// a self-signed certificate and require AUTH PLAIN, and can be told to
// reject messages (4xx or 5xx) or to go down, so that the platform's
// client and its retries can be exercised.
package smtpsink

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure a sink. The zero value listens on a free loopback
// port, without TLS or authentication.
type Options struct {
	// Addr is where to listen; default 127.0.0.1:0.
	Addr string
	// StartTLS offers STARTTLS with a self-signed certificate for
	// 127.0.0.1 and localhost (see Sink.CertPool) and refuses AUTH before it.
	StartTLS bool
	// ImplicitTLS speaks TLS from the first byte (SMTPS), with the same
	// self-signed certificate.
	ImplicitTLS bool
	// Username and Password, when Username is set, are the only login
	// AUTH PLAIN and AUTH LOGIN accept, and mail is refused without it.
	Username, Password string
	Logger             *slog.Logger
}

// Message is one received e-mail.
type Message struct {
	From     string    `json:"from"`
	To       []string  `json:"to"`
	Subject  string    `json:"subject"`
	HTML     string    `json:"html"`
	Text     string    `json:"text,omitempty"`
	Received time.Time `json:"received"`
}

// Sink is a running SMTP sink.
type Sink struct {
	opts   Options
	addr   string
	tls    *tls.Config
	pool   *x509.CertPool
	logger *slog.Logger

	mu       sync.Mutex
	server   *smtp.Server
	messages []Message
	reject   *smtp.SMTPError
	rejectN  int // how many more messages to reject; <0 until Accept
}

// Start listens and serves until Close.
func Start(opts Options) (*Sink, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	s := &Sink{opts: opts, logger: opts.Logger}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if opts.StartTLS || opts.ImplicitTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			return nil, err
		}
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.pool = pool
	}
	l, err := s.listen(opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("SMTP sink: %w", err)
	}
	s.addr = l.Addr().String()
	s.serve(l)
	return s, nil
}

// listen opens addr, speaking TLS at once with ImplicitTLS.
func (s *Sink) listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil || !s.opts.ImplicitTLS {
		return l, err
	}
	return tls.NewListener(l, s.tls), nil
}

func (s *Sink) serve(l net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }))
	srv.Domain = "smtpsink.localhost"
	if s.opts.StartTLS {
		srv.TLSConfig = s.tls
	}
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = slogLogger{s.logger}
	s.mu.Lock()
	s.server = srv
	s.mu.Unlock()
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			s.logger.Warn("SMTP sink stopped", slog.Any("error", err))
		}
	}()
}

// Addr is the host:port the sink listens on.
func (s *Sink) Addr() string { return s.addr }

// Host is the address the sink listens on, without the port.
func (s *Sink) Host() string { return s.tcpAddr().IP.String() }

// Port is the port the sink listens on.
func (s *Sink) Port() int { return s.tcpAddr().Port }

func (s *Sink) tcpAddr() *net.TCPAddr {
	a, _ := net.ResolveTCPAddr("tcp", s.addr) // a listener's address: always numeric
	return a
}

// CertPool trusts the sink's certificate (nil without StartTLS or ImplicitTLS).
func (s *Sink) CertPool() *x509.CertPool { return s.pool }

// Messages returns what the sink received, oldest first.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Reset forgets the received messages.
func (s *Sink) Reset() {
	s.mu.Lock()
	s.messages = nil
	s.mu.Unlock()
}

// Reject makes the sink refuse the next n messages (every message when n
// is negative, until Accept) with the SMTP reply code (4xx: try again
// later; 5xx: permanent) and text.
func (s *Sink) Reject(code int, text string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: text}
	s.rejectN = n
}

// Accept ends Reject.
func (s *Sink) Accept() { s.Reject(0, "", 0) }

// SetDown closes the sink's port (down) or opens it again on the same
// address (up), keeping the received messages.
func (s *Sink) SetDown(down bool) error {
	s.mu.Lock()
	srv := s.server
	s.mu.Unlock()
	if down {
		if srv == nil {
			return nil
		}
		s.mu.Lock()
		s.server = nil
		s.mu.Unlock()
		return srv.Close()
	}
	if srv != nil {
		return nil
	}
	l, err := s.listen(s.addr)
	if err != nil {
		return fmt.Errorf("SMTP sink: reopen %s: %w", s.addr, err)
	}
	s.serve(l)
	return nil
}

// Close stops the sink.
func (s *Sink) Close() error { return s.SetDown(true) }

// rejection returns the error the next message gets, or nil.
func (s *Sink) rejection() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reject == nil || s.rejectN == 0 {
		return nil
	}
	if s.rejectN > 0 {
		s.rejectN--
	}
	return s.reject
}

func (s *Sink) store(m Message) {
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	s.logger.Info("SMTP sink received a message", slog.String("to", strings.Join(m.To, ", ")), slog.String("subject", m.Subject))
}

// session is one SMTP connection.
type session struct {
	sink   *Sink
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.sink.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	check := func(username, password string) error {
		if username != ss.sink.opts.Username || password != ss.sink.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}
	switch {
	case ss.sink.opts.Username == "":
	case mech == sasl.Plain:
		return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
	case mech == sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

// loginServer is the server side of AUTH LOGIN (which go-sasl does not
// have): it asks for the username, then the password.
type loginServer struct {
	check    func(username, password string) error
	username []byte
	step     int
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	l.step++
	switch {
	case l.step == 1 && response == nil:
		return []byte("Username:"), false, nil
	case l.step == 1:
		l.step++ // the username came with AUTH LOGIN
		l.username = response
		return []byte("Password:"), false, nil
	case l.step == 2:
		l.username = response
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(string(l.username), string(response))
	}
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.sink.opts.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if err := ss.sink.rejection(); err != nil {
		return err
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	m, err := parse(r)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unreadable message: " + err.Error()}
	}
	m.From, m.To, m.Received = ss.from, slices.Clone(ss.to), time.Now()
	ss.sink.store(m)
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// parse reads a message's subject and its HTML and plain text parts.
func parse(r io.Reader) (Message, error) {
	mr, err := mail.CreateReader(r)
	if err != nil {
		return Message{}, err
	}
	var m Message
	m.Subject, _ = mr.Header.Subject()
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Message{}, err
		}
		h, ok := p.Header.(*mail.InlineHeader)
		if !ok {
			continue
		}
		body, err := io.ReadAll(p.Body)
		if err != nil {
			return Message{}, err
		}
		switch ct, _, _ := h.ContentType(); ct {
		case "text/html":
			m.HTML = string(body)
		case "text/plain":
			m.Text = string(body)
		}
	}
	return m, nil
}

// slogLogger adapts slog to go-smtp's logger.
type slogLogger struct{ l *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) { l.l.Debug(fmt.Sprintf(format, v...)) }
func (l slogLogger) Println(v ...any)               { l.l.Debug(fmt.Sprint(v...)) }

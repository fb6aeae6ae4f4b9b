package guacamole

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is a running simulated Guacamole. Its methods are safe for
// concurrent use.
type Server struct {
	cfg  Config
	log  *slog.Logger
	dice *dice

	mu     sync.Mutex // guards st and faults
	st     *state
	faults Faults

	stats statsRecorder

	closeOnce sync.Once
	closed    chan struct{} // closed by Close

	lnMu sync.Mutex // guards the listener; never taken while mu is held
	addr string     // the address Start listened on, reused after Refused
	hs   *http.Server
	url  string
}

// New starts a simulator on a free loopback port, like httptest.NewServer.
// It panics when cfg is invalid; use NewServer and Start to handle that.
func New(cfg Config) *Server {
	s, err := NewServer(cfg)
	if err != nil {
		panic("guacsim: " + err.Error())
	}
	if err := s.Start(context.Background(), "127.0.0.1:0"); err != nil {
		panic("guacsim: " + err.Error())
	}
	return s
}

// NewServer builds a simulator from cfg without listening yet.
func NewServer(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, dice: newDice(cfg.RandomSeed), faults: cfg.Faults, st: newState(cfg),
		closed: make(chan struct{})}
	s.stats.init()
	return s, nil
}

// Start listens on addr, which must be a loopback address
// ("127.0.0.1:8080", "[::1]:0", "localhost:8080"), and serves HTTP until ctx
// is done or Close is called. It returns once the listener is open.
func (s *Server) Start(ctx context.Context, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("listen address %q is not loopback", addr)
	}
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.hs != nil {
		return errors.New("already started")
	}
	if err := s.listen(addr); err != nil {
		return err
	}
	s.addr = strings.TrimPrefix(s.url, "http://")
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.closed:
		}
	}()
	s.log.Info("guacsim listening", "url", s.url)
	return nil
}

// listen opens addr and serves on it; lnMu is held.
func (s *Server) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.hs, s.url = hs, "http://"+ln.Addr().String()
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("guacsim serve", "err", err)
		}
	}()
	return nil
}

// stopListening closes the listener and every connection; lnMu is held.
func (s *Server) stopListening() {
	if s.hs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.hs.Shutdown(ctx); err != nil {
		_ = s.hs.Close()
	}
	s.hs = nil
}

// Close stops serving.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	s.stopListening()
	s.addr = ""
}

// URL is the server's base URL, e.g. http://127.0.0.1:41234 (the REST API
// is under URL()+"/api", as under a real server's /guacamole/api).
func (s *Server) URL() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	return s.url
}

// AdminCredentials are the administrator's username and password.
func (s *Server) AdminCredentials() (username, password string) {
	return s.cfg.AdminUsername, s.cfg.AdminPassword
}

// DataSource is the data source identifier sign-in reports.
func (s *Server) DataSource() string { return s.cfg.DataSource }

// Faults returns the fault settings in force.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// SetFaults replaces the fault settings, including Down (see SetDown).
func (s *Server) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	s.faults.ErrorRate, s.faults.Latency = f.ErrorRate, f.Latency
	s.mu.Unlock()
	return s.SetDown(f.Down)
}

// SetDown takes the service down the way d says, or brings it back up
// (Up). With Refused the listener is closed; Up listens again on the same
// address, which fails only if another process took the port meanwhile.
func (s *Server) SetDown(d Down) error {
	if err := (Faults{Down: d}).validate(); err != nil {
		return err
	}
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	s.mu.Lock()
	was := s.faults.Down
	s.faults.Down = d
	s.mu.Unlock()
	switch {
	case d == Refused && was != Refused:
		s.stopListening()
	case d != Refused && was == Refused && s.addr != "":
		return s.listen(s.addr)
	}
	return nil
}

// ExpireTokens makes every token expired, as if it had been unused for
// longer than the token timeout.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.st.sessions)
}

// ServeHTTP serves the REST API under /api and the admin API under /_sim.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		s.serveAPI(w, r)
	case strings.HasPrefix(r.URL.Path, "/_sim/"):
		s.serveAdmin(w, r)
	default:
		http.NotFound(w, r)
	}
}

// serveAPI applies faults, routes the request and counts it.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	rt, params := match(r.Method, r.URL.EscapedPath())
	template := "(unmatched)"
	if rt != nil {
		template = rt.template
	}
	rec := &statusRecorder{ResponseWriter: w}
	defer func() { s.stats.request(r.Method, template, rec.status) }()

	f := s.Faults()
	if f.Latency > 0 {
		select {
		case <-time.After(f.Latency):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case f.Down == Unavailable:
		rec.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rec.WriteHeader(http.StatusServiceUnavailable)
		_, _ = rec.Write([]byte("503 Service Unavailable\n"))
		return
	case s.dice.hit(f.ErrorRate, r.Method+" "+template):
		writeError(rec, typeInternalError, msgInternal)
		return
	case rt == nil:
		writeError(rec, typeNotFound, "Not found: \""+r.URL.Path+"\"")
		return
	}
	r.Body = http.MaxBytesReader(rec, r.Body, 1<<20)
	rt.handle(s, rec, r, params)
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

package moodle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// RESTPath is where Moodle serves its REST web service protocol.
const RESTPath = "/webservice/rest/server.php"

// maxBody bounds a request body; Moodle's PHP default post_max_size is 8M.
const maxBody = 8 << 20

// Server is a running simulated Moodle site. Its methods are safe for
// concurrent use.
type Server struct {
	cfg       Config
	log       *slog.Logger
	functions map[string]bool // offered by the token's service

	mu     sync.Mutex // guards st, faults, rng, down
	st     *state
	faults Faults
	rng    *rand.Rand
	down   bool

	stats statsRecorder

	root atomic.Value // string: http://host:port, Moodle's wwwroot

	lnMu sync.Mutex
	addr string
	ln   net.Listener
	hs   *http.Server
}

// New starts a simulator on a free loopback port, like httptest.NewServer.
// It panics when cfg is invalid; use NewServer and Start to handle that.
func New(cfg Config) *Server {
	s, err := NewServer(cfg)
	if err != nil {
		panic("moodlesim: " + err.Error())
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		panic("moodlesim: " + err.Error())
	}
	return s
}

// NewServer builds a simulator from cfg without listening yet.
func NewServer(cfg Config) (*Server, error) {
	seed := DefaultSeed()
	if cfg.Seed != nil {
		seed = *cfg.Seed
	}
	if cfg.Token == "" {
		cfg.Token = DefaultToken
	}
	if cfg.TokenUser == "" {
		cfg.TokenUser = "admin"
	}
	if err := cfg.Faults.validate(); err != nil {
		return nil, err
	}
	st, err := buildState(seed, time.Now().Unix())
	if err != nil {
		return nil, err
	}
	if st.userByUsername(cfg.TokenUser) == nil {
		return nil, fmt.Errorf("the token's user %q is not in the seed", cfg.TokenUser)
	}
	funcs := cfg.ServiceFunctions
	if funcs == nil {
		funcs = Functions
	}
	offered := map[string]bool{}
	for _, f := range funcs {
		if !slices.Contains(Functions, f) {
			return nil, fmt.Errorf("service function %q is not simulated", f)
		}
		offered[f] = true
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.Seed = &seed
	s := &Server{cfg: cfg, log: log, functions: offered, st: st, faults: cfg.Faults,
		rng: rand.New(rand.NewPCG(cfg.RandomSeed, 0x600d1e))}
	s.stats.init()
	return s, nil
}

// Start listens on addr, which must be a loopback address such as
// "127.0.0.1:0", and serves plain HTTP until Close.
func (s *Server) Start(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("listen address %q is not loopback", addr)
	}
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.ln != nil {
		return errors.New("already started")
	}
	return s.listen(addr)
}

// listen opens the listener and serves; lnMu is held.
func (s *Server) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.ln, s.hs, s.addr = ln, hs, ln.Addr().String()
	s.root.Store("http://" + s.addr)
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("moodlesim serve", "err", err)
		}
	}()
	s.log.Info("moodlesim listening", "url", "http://"+s.addr)
	return nil
}

// stop closes the listener and every connection; lnMu is held.
func (s *Server) stop() {
	if s.hs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.hs.Shutdown(ctx); err != nil {
		_ = s.hs.Close()
	}
	s.hs, s.ln = nil, nil
}

// Close stops serving.
func (s *Server) Close() {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	s.stop()
}

// URL is the site's base URL (its wwwroot), e.g. http://127.0.0.1:41234;
// the REST endpoint is URL()+RESTPath.
func (s *Server) URL() string { return s.wwwroot() }

func (s *Server) wwwroot() string {
	r, _ := s.root.Load().(string)
	return r
}

// Token is the valid web service token.
func (s *Server) Token() string { return s.cfg.Token }

// SetDown makes the site unavailable (true) or available again (false):
// every request answers 503 Service Unavailable, as the web server in
// front of a stopped PHP-FPM does.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// Unplug stops listening while keeping the address, so connections are
// refused, until Plug listens on the same address again.
func (s *Server) Unplug() {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	s.stop()
}

// Plug listens again on the address Unplug released.
func (s *Server) Plug() error {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.ln != nil {
		return nil
	}
	if s.addr == "" {
		return errors.New("never started")
	}
	return s.listen(s.addr)
}

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) error {
	if err := f.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	return nil
}

// CurrentFaults returns the injected faults in force.
func (s *Server) CurrentFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

func (f Faults) validate() error {
	if f.ErrorRate < 0 || f.ErrorRate > 1 {
		return fmt.Errorf("error rate must be within [0,1], got %v", f.ErrorRate)
	}
	if f.ErrorStatus != 0 && (f.ErrorStatus < 500 || f.ErrorStatus > 599) {
		return fmt.Errorf("error status must be a 5xx, got %d", f.ErrorStatus)
	}
	if f.Latency < 0 {
		return errors.New("latency must not be negative")
	}
	return nil
}

// ServeHTTP serves the REST endpoint and the admin API under /_sim/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == RESTPath:
		s.serveREST(w, r)
	case len(r.URL.Path) > 6 && r.URL.Path[:6] == "/_sim/":
		s.serveAdmin(w, r)
	default:
		s.stats.request("(not found)", http.StatusNotFound, "")
		writeHTML(w, http.StatusNotFound, "Not Found")
	}
}

// injected decides whether this request fails before Moodle sees it.
func (s *Server) injected() (status int, maintenance bool, latency time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	if s.down {
		return http.StatusServiceUnavailable, false, f.Latency
	}
	if f.ErrorRate > 0 && s.rng.Float64() < f.ErrorRate {
		status = f.ErrorStatus
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
	}
	return status, f.Maintenance, f.Latency
}

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	status, maintenance, latency := s.injected()
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		s.stats.request("(method)", http.StatusMethodNotAllowed, "")
		writeHTML(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	root := newArray()
	err := parsePHPForm(root, r.URL.RawQuery)
	if err == nil && r.Method == http.MethodPost {
		var body []byte
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err == nil {
			err = parsePHPForm(root, string(body))
		}
	}
	fn := root.scalar("wsfunction")
	if status != 0 {
		s.stats.request(fn, status, "")
		writeHTML(w, status, http.StatusText(status))
		return
	}
	format := root.scalar("moodlewsrestformat")
	var out any
	var ex *exception
	switch {
	case err != nil:
		ex = invalidParameter("Malformed request body: " + err.Error())
	case maintenance:
		ex = errMaintenance
	default:
		out, ex = s.call(root)
	}
	code := ""
	if ex != nil {
		code = ex.ErrorCode
	}
	s.stats.request(fn, http.StatusOK, code)
	s.log.Debug("moodlesim call", "function", fn, "errorcode", code)
	if format != "json" {
		writeXML(w, out, ex)
		return
	}
	if ex != nil {
		if !s.cfg.Debug {
			e := *ex
			e.DebugInfo = ""
			ex = &e
		}
		writeJSON(w, ex)
		return
	}
	writeJSON(w, out)
}

// call authenticates the token, looks the function up, validates the
// parameters and runs it, as webservice_base_server::run does.
func (s *Server) call(root *node) (any, *exception) {
	token := root.scalar("wstoken")
	fn := root.scalar("wsfunction")
	for _, k := range []string{"wstoken", "wsfunction", "moodlewsrestformat"} {
		root.remove(k)
	}
	if token != s.cfg.Token {
		return nil, errInvalidToken
	}
	if fn == "" {
		return nil, invalidParameter("Missing function name")
	}
	f, ok := functionTable[fn]
	if !ok {
		return nil, errNoFunction
	}
	if !s.functions[fn] {
		return nil, errAccess
	}
	v, bad := f.params.validate(root)
	if bad != nil {
		return nil, invalidParameter(bad.debug)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return f.run(s, args(v.(map[string]any)))
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeHTML(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeHTML(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>%d %s</title></head><body><h1>%s</h1></body></html>\n",
		status, http.StatusText(status), msg)
}

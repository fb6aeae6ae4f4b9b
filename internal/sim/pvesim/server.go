package pvesim

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labforge/labforge/internal/sim/pvesim/pveschema"
)

// Server is a running simulated Proxmox VE cluster. All its methods are safe
// for concurrent use.
type Server struct {
	cfg    Config
	log    *slog.Logger
	scale  float64
	dur    Durations // scaled
	schema *pveschema.Schema
	routes router
	secret []byte // signs tickets and CSRF tokens

	mu     sync.RWMutex // guards st, faults and ids
	st     *state
	faults Faults
	ids    *idgen
	dice   *dice

	stats statsRecorder

	status *pvestatd // the status data cluster/resources reports

	guestPorts *guestPorts // nil unless Config.GuestPorts

	cert tls.Certificate

	ctx     context.Context // cancelled on Close; parent of every task
	cancel  context.CancelFunc
	tasksWG sync.WaitGroup

	lnMu sync.Mutex
	ln   net.Listener
	hs   *http.Server
	url  string
}

// New starts a simulator on a free loopback port, like httptest.NewServer.
// It panics when the configuration is invalid or no port can be had; use
// NewServer and Start to handle those errors.
func New(cfg Config) *Server {
	s, err := NewServer(cfg)
	if err != nil {
		panic("pvesim: " + err.Error())
	}
	if err := s.Start(context.Background(), "127.0.0.1:0"); err != nil {
		panic("pvesim: " + err.Error())
	}
	return s
}

// NewServer builds a simulator from cfg without listening yet.
func NewServer(cfg Config) (*Server, error) {
	seed := cfg.Seed
	if seed == nil {
		seed = DefaultSeed()
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	scale := cfg.TimeScale
	if scale == 0 {
		scale = seed.TimeScale
	}
	if scale == 0 {
		scale = 1
	}
	if scale < 0 {
		return nil, fmt.Errorf("time scale must be positive, got %v", scale)
	}
	faults := seed.Faults
	if cfg.Faults != nil {
		faults = *cfg.Faults
	}
	if err := faults.validate(); err != nil {
		return nil, err
	}
	durs := cfg.Durations.fillFrom(seed.Durations)
	lockLimit := cfg.StorageLockLimit
	if lockLimit == 0 {
		lockLimit = 4
	}
	ids := &idgen{rng: mrand.New(mrand.NewPCG(cfg.RandomSeed, 0x5eed)), macs: map[string]bool{}}
	st, err := buildState(seed, ids, lockLimit, time.Now())
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg, log: logger, scale: scale, dur: durs.withDefaults().scaled(scale),
		st: st, faults: faults, ids: ids, dice: newDice(cfg.RandomSeed),
		secret: make([]byte, 32), status: newPvestatd(cfg.StatusRefresh, scale),
	}
	s.stats.init()
	if s.guestPorts, err = newGuestPorts(cfg.GuestPorts, logger.With("component", "guest-ports")); err != nil {
		return nil, err
	}
	if _, err := rand.Read(s.secret); err != nil {
		return nil, err
	}
	if err := s.loadSchema(); err != nil {
		return nil, err
	}
	if cfg.Certificate != nil {
		s.cert = *cfg.Certificate
	} else if s.cert, err = SelfSignedCertificate(); err != nil {
		return nil, err
	}
	if s.cert.Leaf == nil {
		if s.cert.Leaf, err = x509.ParseCertificate(s.cert.Certificate[0]); err != nil {
			return nil, err
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.RefreshStatus()
	s.registerRoutes()
	for _, rt := range s.routes.routes {
		if s.schema != nil {
			if m, ok := s.schema.Lookup(rt.method, rt.template); ok {
				rt.schema = m
			} else {
				s.log.Warn("route missing from the PVE schema; requests are not validated", "method", rt.method, "template", rt.template)
			}
		}
	}
	return s, nil
}

// loadSchema picks the validation schema per the configuration.
func (s *Server) loadSchema() error {
	if s.cfg.SkipValidation {
		return nil
	}
	if s.cfg.Schema != nil {
		s.schema = s.cfg.Schema
		return nil
	}
	sc, err := pveschema.LoadDefault()
	if errors.Is(err, pveschema.ErrNotFound) {
		s.log.Warn("PVE API schema not found; requests are not validated")
		return nil
	}
	if err != nil {
		return fmt.Errorf("load PVE schema: %w", err)
	}
	s.schema = sc
	return nil
}

// Validating reports whether requests are checked against the PVE schema.
func (s *Server) Validating() bool { return s.schema != nil }

// Start listens on addr, which must be a loopback address ("127.0.0.1:8006",
// "[::1]:0", "localhost:8006"), and serves HTTPS until ctx is done or Close
// is called. It returns once the listener is open.
func (s *Server) Start(ctx context.Context, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address: %w", err)
	}
	if host != "localhost" {
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("listen address %q is not loopback", addr)
		}
	}
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.ln != nil {
		return errors.New("already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{s.cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	hs := &http.Server{
		Handler:           s,
		TLSConfig:         tlsCfg,
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){}, // HTTP/1.1 only, like pveproxy
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.hs, s.ln = hs, ln
	s.url = "https://" + ln.Addr().String()
	// The goroutine keeps its own reference: Close clears s.hs, possibly
	// before Serve is reached, and Serve then returns ErrServerClosed.
	go func() {
		if err := hs.Serve(tls.NewListener(ln, tlsCfg)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("pvesim serve", "err", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.ctx.Done():
		}
	}()
	s.log.Info("pvesim listening", "url", s.url)
	s.startStatusUpdates()
	// Seeded running containers answer on their guest ports too; s.mu is
	// never held while lnMu is taken, so taking it here is safe.
	s.mu.Lock()
	for _, vmid := range s.st.sortedVMIDs() {
		if g := s.st.guests[vmid]; g.status == "running" {
			s.guestNetChanged(g, true)
		}
	}
	s.mu.Unlock()
	return nil
}

// Close stops serving, interrupts running tasks and waits for them.
func (s *Server) Close() {
	s.cancel()
	defer s.guestPorts.close()
	s.lnMu.Lock()
	if s.hs != nil {
		// Let requests in flight finish briefly, then drop connections that
		// never sent a request (net/http would wait 5 s for those).
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		if err := s.hs.Shutdown(ctx); err != nil {
			_ = s.hs.Close()
		}
		cancel()
		s.hs = nil
	}
	s.lnMu.Unlock()
	s.tasksWG.Wait()
}

// URL is the server's base URL, e.g. https://127.0.0.1:41234; the API is
// under URL()+"/api2/json".
func (s *Server) URL() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	return s.url
}

// APIURL is URL()+"/api2/json", the base go-proxmox's NewClient expects.
func (s *Server) APIURL() string { return s.URL() + "/api2/json" }

// Certificate is the server's TLS certificate.
func (s *Server) Certificate() *x509.Certificate { return s.cert.Leaf }

// Fingerprint is the SHA-256 fingerprint of the certificate as Proxmox
// writes it (AA:BB:...), for pinning.
func (s *Server) Fingerprint() string { return fingerprint(s.cert.Leaf) }

// CertPool is a pool trusting only the server's certificate.
func (s *Server) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.cert.Leaf)
	return p
}

// Client returns an HTTP client that trusts the server's certificate.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 64,
	}}
}

// TimeScale is the factor applied to every simulated duration.
func (s *Server) TimeScale() float64 { return s.scale }

// ServeHTTP serves the Proxmox API under /api2/json and the admin API under /_sim.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case len(r.URL.Path) >= 6 && r.URL.Path[:6] == "/api2/":
		s.serveAPI(w, r)
	case len(r.URL.Path) >= 6 && r.URL.Path[:6] == "/_sim/":
		s.serveAdmin(w, r)
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		writeRaw(w, http.StatusNotImplemented, "no such uri", nil)
	}
}

package containers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/bench/internal/benchstack"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/gateway"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/workflows"
)

// stack is a platform for the benchmark: the simulator with K nodes on
// the site's loopback network, the platform's connections, workers for
// core, pve-clone, pve-actions and the site's gateway queue, the site's
// gateway host, and the API over HTTP with an administrator's token.
type stack struct {
	p    *app.Platform
	sim  *pvesim.Server
	gw   *gatewayHost
	site *domain.Site
	api  *apiClient
	// attempts counts activity attempts by type, gateway applies included.
	attempts *benchstack.AttemptCounter
	// applies records each gateway apply.
	applies *applyLog
	// made is how many containers the rounds so far asked for.
	made int
}

// newStack builds the stack for p and has the gateway apply the empty
// site once, then starts NGINX and dnsmasq on those files.
func newStack(tb testing.TB, p params) *stack {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	gw := newGatewayHost(tb, p.RenderOnly)
	sim, err := pvesim.NewServer(pvesim.Config{Seed: seed(p.K, gw.dhcpHostsFile()), TimeScale: p.Scale,
		StorageLockLimit: p.Locks, GuestPorts: []int{guestPort}, RandomSeed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	// It serves until Close: ctx ends when the stack is built.
	if err := sim.Start(context.Background(), "127.0.0.1:0"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(sim.Close)

	plat := benchstack.Connect(tb, gw.env()...)
	certFile, keyFile := selfSignedCertificate(tb, tb.TempDir())
	s := &stack{p: plat, sim: sim, gw: gw, attempts: benchstack.NewAttemptCounter(), applies: &applyLog{}}
	s.site = seedSite(ctx, tb, plat.DB, sim, certFile, keyFile)
	gcfg := app.GatewayConfig(plat.Config, plat.Logger)
	s.startWorkers(tb, p, gcfg)

	run, err := workflows.RequestSiteGatewayApply(ctx, plat.Temporal, s.site.ID, s.site.Name, "benchmark start")
	if err != nil {
		tb.Fatalf("requesting the first gateway apply: %v", err)
	}
	var res workflows.SiteGatewayResult
	if err := run.Get(ctx, &res); err != nil || res.Status != domain.GatewayApplied {
		tb.Fatalf("the first gateway apply: %v %+v", err, res)
	}
	gw.start(tb, gcfg)

	h, err := plat.APIHandler()
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	s.api = newAPIClient(srv.URL, p.InFlight)
	s.api.token = s.api.login(ctx, tb, "admin", benchstack.AdminPassword)
	return s
}

// startWorkers starts the workers as internal/app does, with two
// differences: the Proxmox activities' task polling is paced by p.Poll
// (benchstack.ScaledWait), and every activity attempt is counted (and
// each gateway apply recorded).
func (s *stack) startWorkers(tb testing.TB, p params, gcfg gateway.Config) {
	tb.Helper()
	queues := []string{activities.QueueCore, activities.QueuePVEClone, activities.QueuePVEActions, activities.GatewayQueue(siteName)}
	set := s.p.ActivitySet(queues)
	set.Proxmox.Wait = benchstack.ScaledWait(p.Poll)
	applier, err := gateway.New(gcfg)
	if err != nil {
		tb.Fatalf("the gateway applier: %v", err)
	}
	set.Gateway = &activities.Gateway{Applier: applier}
	benchstack.StartWorkers(tb, s.p, set, queues, s.attempts, s.applies)
}

// transport is an HTTP transport keeping up to n idle connections a host.
func transport(n int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 0, n
	return t
}

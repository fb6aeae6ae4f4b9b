package containers

import (
	"os"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/apptest"
)

// TestMain stops the shared PostgreSQL cluster and FerretDB server.
func TestMain(m *testing.M) { apptest.Main(m) }

// BenchmarkContainers asks for N containers over K simulated nodes of
// one site through the API, all at once (InFlight requests at a time),
// and reports the makespan, Proxmox API calls and gateway applies per
// container, and the time from each request to the container's first
// HTTP 200 through NGINX by its name. It fails unless every container
// ends running on a distinct reserved address that dnsmasq resolves.
// One round usually exceeds the default -benchtime, so one round runs.
func BenchmarkContainers(b *testing.B) {
	p, err := loadParams()
	if err != nil {
		b.Fatal(err)
	}
	s := newStack(b, p)
	var sum summary
	round := 0
	for b.Loop() {
		sum.add(s.round(b, p, round))
		round++
	}
	ok := quantilesOf(sum.toOK)
	b.ReportMetric(sum.perRound(sum.makespan).Seconds(), "makespan-s")
	b.ReportMetric(sum.perContainer(sum.apiCalls), "api-calls/ct")
	b.ReportMetric(sum.perContainer(float64(sum.applies)), "applies/ct")
	b.ReportMetric(float64(sum.requests)/float64(max(sum.applies, 1)), "requests/apply")
	if !s.gw.renderOnly() {
		b.ReportMetric(ok.p50.Seconds(), "first-200-p50-s")
		b.ReportMetric(ok.p95.Seconds(), "first-200-p95-s")
		b.ReportMetric(ok.max.Seconds(), "first-200-max-s")
	}
	b.ReportMetric(sum.perContainer(float64(sum.cpu.Microseconds())/1000), "cpu-ms/ct")
	// The table goes to stdout: the testing package cuts a benchmark's
	// log after ten lines.
	sum.print(os.Stdout, p, s.gw)
}

// TestContainersBenchSmall runs the benchmark's path with four containers
// over two nodes, so that the tests prove the benchmark still works. With
// nginx and dnsmasq missing the gateway renders only, and the test checks
// the rendered files instead of asking NGINX and dnsmasq.
func TestContainersBenchSmall(t *testing.T) {
	p := params{N: 4, K: 2, InFlight: 4, Probe: 20 * time.Millisecond, Timeout: time.Minute}
	p.withDefaults()
	s := newStack(t, p)
	var sum summary
	sum.add(s.round(t, p, 0))
	if !s.gw.renderOnly() && len(sum.toOK) != p.N {
		t.Fatalf("%d of %d containers answered through NGINX", len(sum.toOK), p.N)
	}
	if sum.applies == 0 || sum.requests < 2*p.N {
		t.Errorf("%d gateway applies served %d requests; want at least one, serving at least %d (two per container)", sum.applies, sum.requests, 2*p.N)
	}
	if testing.Verbose() {
		sum.print(os.Stdout, p, s.gw)
	}
}

package containers

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// roundFigures is what one round measured.
type roundFigures struct {
	// makespan runs from the first create request to the last operation
	// recorded completed; lastOK to the last container's first 200.
	makespan, lastOK time.Duration
	// toOK is, per container, its request to its first 200 through NGINX
	// (empty when render-only); toDone its request to its operation
	// recorded completed.
	toOK, toDone []time.Duration
	// apiCalls are the Proxmox API requests the simulator answered.
	apiCalls float64
	// applies are the gateway's apply runs; requests the container
	// workflows' requests for one.
	applies, requests int
	cpu               time.Duration
	// checked is how long checking the containers took; lastResult is
	// when the last workflow result arrived, after the first request.
	checked, lastResult time.Duration
	// applyLog lists the gateway applies; changed counts those that
	// changed the files.
	applyLog         string
	changed          int
	routes, attempts string
}

// summary adds up the rounds.
type summary struct {
	rounds            int
	makespan, lastOK  time.Duration
	toOK, toDone      []time.Duration
	apiCalls          float64
	applies, requests int
	cpu               time.Duration
	changed           int
	// Of the last round:
	checked, lastResult        time.Duration
	applyLog, routes, attempts string
}

func (s *summary) add(f roundFigures) {
	s.rounds++
	s.makespan += f.makespan
	s.lastOK += f.lastOK
	s.toOK = append(s.toOK, f.toOK...)
	s.toDone = append(s.toDone, f.toDone...)
	s.apiCalls += f.apiCalls
	s.applies += f.applies
	s.requests += f.requests
	s.cpu += f.cpu
	s.changed += f.changed
	s.routes, s.attempts, s.checked, s.lastResult, s.applyLog = f.routes, f.attempts, f.checked, f.lastResult, f.applyLog
}

// perRound is d averaged over the rounds.
func (s *summary) perRound(d time.Duration) time.Duration { return d / time.Duration(max(s.rounds, 1)) }

// perContainer is v per container of all rounds.
func (s *summary) perContainer(v float64) float64 { return v / float64(max(len(s.toDone), 1)) }

// quantiles are the p50, p95 and max of ds (zero when empty).
type quantiles struct{ p50, p95, max time.Duration }

func quantilesOf(ds []time.Duration) quantiles {
	if len(ds) == 0 {
		return quantiles{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return quantiles{p50: at(0.50), p95: at(0.95), max: s[len(s)-1]}
}

func (q quantiles) String() string {
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Millisecond) }
	return fmt.Sprintf("p50 %s, p95 %s, max %s", r(q.p50), r(q.p95), r(q.max))
}

// print writes the summary table and the last round's details.
func (s *summary) print(w io.Writer, p params, gw *gatewayHost) {
	gateway := fmt.Sprintf("NGINX and dnsmasq on 127.0.0.1 (HTTP %d, DNS %d)", gw.httpPort, gw.dnsPort)
	ok, lastOK := quantilesOf(s.toOK).String(), s.perRound(s.lastOK).Round(10*time.Millisecond).String()
	if gw.renderOnly() {
		lastOK = "n/a (render-only)"
		gateway = "RENDER-ONLY: " + gw.why + "; nothing is served, so no HTTP figure"
		ok = "n/a (render-only)"
	}
	locks := "4"
	if p.Locks != 0 {
		locks = fmt.Sprint(p.Locks)
	}
	fmt.Fprintf(w, "containers: N=%d K=%d scale=%g poll=%s in-flight=%d probe=%s storage-locks=%s, %d round(s); gateway: %s\n",
		p.N, p.K, p.Scale, p.Poll, p.InFlight, p.Probe, locks, s.rounds, gateway)
	rows := [][2]string{
		{"makespan (first request → last operation completed)", s.perRound(s.makespan).Round(10 * time.Millisecond).String()},
		{"first request → last container's first HTTP 200", lastOK},
		{"Proxmox API calls per container", fmt.Sprintf("%.1f", s.perContainer(s.apiCalls))},
		{"gateway applies per container", fmt.Sprintf("%.2f (%d applies, %d changing the files, served %d requests: %.1f an apply)",
			s.perContainer(float64(s.applies)), s.applies, s.changed, s.requests, float64(s.requests)/float64(max(s.applies, 1)))},
		{"request → first HTTP 200 through NGINX", ok},
		{"request → operation completed", quantilesOf(s.toDone).String()},
		{"process CPU per container", fmt.Sprintf("%.1f ms", s.perContainer(float64(s.cpu.Microseconds())/1000))},
	}
	for _, r := range rows {
		fmt.Fprintf(w, "  %-55s %s\n", r[0], r[1])
	}
	fmt.Fprintf(w, "containers: in the last round the last workflow result arrived at +%s; the containers were checked in %s\n",
		s.lastResult.Round(10*time.Millisecond), s.checked.Round(10*time.Millisecond))
	fmt.Fprintf(w, "containers: gateway applies in the last round (start, run time):%s\n", s.applyLog)
	fmt.Fprintf(w, "containers: activity attempts in the last round:%s\ncontainers: Proxmox requests by route in the last round:%s\n",
		s.attempts, s.routes)
}

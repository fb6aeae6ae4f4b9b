package containers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/labforge/labforge/bench/internal/benchstack"
	"github.com/labforge/labforge/domain"
)

// ctRun is one container's creation in a round.
type ctRun struct {
	hostname  string
	requested time.Time        // when its create request was sent
	op        domain.Operation // the accepted operation
	firstOK   time.Time        // its first 200 through NGINX; zero when render-only
	result    time.Time        // when its workflow's result arrived
	err       error
}

// round asks for p.N fresh containers through the API, at most
// p.InFlight requests at a time, and follows each to the end of its
// workflow and, when the gateway serves, to its first HTTP 200 through
// NGINX by name; then it checks every container (check) and returns the
// round's figures.
func (s *stack) round(tb testing.TB, p params, round int) roundFigures {
	tb.Helper()
	if s.made+p.N > maxContainers {
		tb.Fatalf("%d rounds of %d containers exceed the %d the simulator answers HTTP for; use a smaller N or -benchtime", round+1, p.N, maxContainers)
	}
	s.made += p.N
	ctx, cancel := context.WithTimeout(context.Background(), p.Timeout)
	defer cancel()
	var probe *prober
	if !s.gw.renderOnly() {
		probe = newProber(s.gw, p.N)
	}
	before, cpu0, attempts0 := s.sim.Stats(), benchstack.CPUTime(tb), s.attempts.Snapshot()

	runs := make([]ctRun, p.N)
	slots := make(chan struct{}, p.InFlight)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range runs {
		r := &runs[i]
		r.hostname = fmt.Sprintf("ct-r%d-%03d", round, i)
		wg.Go(func() { s.follow(ctx, r, slots, probe, p.Probe) })
	}
	wg.Wait()
	f := roundFigures{cpu: benchstack.CPUTime(tb) - cpu0}
	after, attempts1 := s.sim.Stats(), s.attempts.Snapshot()

	var errs []error
	failed := 0
	for _, r := range runs {
		if r.err == nil {
			continue
		}
		if failed++; failed <= 5 {
			errs = append(errs, fmt.Errorf("%s: %w%s", r.hostname, r.err, s.where(r)))
		}
	}
	if failed > 0 {
		tb.Fatalf("%d of %d containers failed or timed out (deadline %s); the first: %v\nactivity attempts:%s\nProxmox requests:%s",
			failed, p.N, p.Timeout, errors.Join(errs...),
			benchstack.AttemptDiff(attempts0, attempts1, start), benchstack.RouteDiff(before, after))
	}
	checkStart := time.Now()
	done := s.check(ctx, tb, runs, probe)
	f.checked = time.Since(checkStart)
	for i, r := range runs {
		f.makespan = max(f.makespan, done[i].Sub(start))
		f.toDone = append(f.toDone, done[i].Sub(r.requested))
		if !r.firstOK.IsZero() {
			f.toOK = append(f.toOK, r.firstOK.Sub(r.requested))
			f.lastOK = max(f.lastOK, r.firstOK.Sub(start))
		}
	}
	f.apiCalls = float64(benchstack.Requests(after) - benchstack.Requests(before))
	f.applies = attempts1[applyActivity].Attempts - attempts0[applyActivity].Attempts
	f.requests = attempts1[requestActivity].Attempts - attempts0[requestActivity].Attempts
	f.routes = benchstack.RouteDiff(before, after)
	f.attempts = benchstack.AttemptDiff(attempts0, attempts1, start)
	f.applyLog, f.changed = s.applies.since(start)
	for _, r := range runs {
		f.lastResult = max(f.lastResult, r.result.Sub(start))
	}
	return f
}

// Activity types whose attempts are the gateway's figures.
const (
	applyActivity   = "ApplySiteGateway" // one apply on the gateway host
	requestActivity = "RequestApply"     // a container workflow asking for one
)

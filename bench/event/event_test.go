package event

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/bench/internal/benchstack"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/workflows"
)

// TestMain stops the shared PostgreSQL cluster and FerretDB server.
func TestMain(m *testing.M) { apptest.Main(m) }

// BenchmarkEventDeploy schedules one event of N participants with a lead
// time of the capacity bound plus a VM's start and slack, starts its
// EventLifecycle as the API does and waits until every participant's VM is
// ready and the event runs. It reports the clones' makespan against the
// capacity bound ceil(N/(K*C))*T, the time until every VM was ready, when
// the last VM was running relative to the scheduled start (negative: before
// it) and the Proxmox API calls per VM. One round usually exceeds the
// default -benchtime; -benchtime=3x runs three events on the same stack.
func BenchmarkEventDeploy(b *testing.B) {
	p, err := loadParams()
	if err != nil {
		b.Fatal(err)
	}
	s := newStack(b, p)
	var sum figures
	rounds := 0
	for b.Loop() {
		sum.add(s.round(b, p, rounds))
		rounds++
	}
	f := sum.div(rounds)
	bound := p.Bound()
	b.ReportMetric(f.cloneMakespan.Seconds(), "clone-makespan-s")
	b.ReportMetric(bound.Seconds(), "bound-s")
	b.ReportMetric(f.cloneMakespan.Seconds()/bound.Seconds(), "makespan/bound")
	b.ReportMetric(f.readyMakespan.Seconds(), "all-ready-s")
	b.ReportMetric(f.lastRunning.Seconds(), "last-running-after-start-s")
	b.ReportMetric(f.apiCalls/float64(p.N), "api-calls/vm")
	b.ReportMetric(float64(f.maxClones), "max-clone-tasks/node")
	b.Logf("N=%d K=%d C=%d T=%s (real %s, scale %g, poll %s), event concurrency %d, lead time %s, %d round(s): "+
		"clones' makespan %s, bound %s, ratio %.2f; every VM ready %s after the deployment began; last VM running %s "+
		"relative to the start; %.1f Proxmox API calls/VM; at most %d clone tasks at once on a node (cap %d)",
		p.N, p.K, p.C, p.T, p.CloneReal(), p.Scale, p.Poll, p.Concurrency, p.leadTime().Round(time.Millisecond), rounds,
		f.cloneMakespan.Round(time.Millisecond), bound, f.cloneMakespan.Seconds()/bound.Seconds(),
		f.readyMakespan.Round(time.Millisecond), f.lastRunning.Round(time.Millisecond), f.apiCalls/float64(p.N), f.maxClones, p.C)
	fmt.Printf("event: Proxmox requests by route in the last round:%s\n", sum.routes)
}

// figures are what one round measured.
type figures struct {
	// cloneMakespan runs from the deployment's start to the last clone
	// task's end; readyMakespan to the last item recorded ready.
	cloneMakespan, readyMakespan time.Duration
	// lastRunning is the last start task's end less the event's start.
	lastRunning time.Duration
	apiCalls    float64
	routes      string
	maxClones   int
}

func (f *figures) add(o figures) {
	f.cloneMakespan += o.cloneMakespan
	f.readyMakespan += o.readyMakespan
	f.lastRunning += o.lastRunning
	f.apiCalls += o.apiCalls
	f.routes = o.routes
	f.maxClones = max(f.maxClones, o.maxClones)
}

func (f figures) div(n int) figures {
	d := time.Duration(max(n, 1))
	f.cloneMakespan /= d
	f.readyMakespan /= d
	f.lastRunning /= d
	f.apiCalls /= float64(max(n, 1))
	return f
}

// round schedules one event, runs its lifecycle until every VM is ready
// and the event runs, and measures it.
func (s *stack) round(b *testing.B, p params, round int) figures {
	ctx, cancel := context.WithTimeout(context.Background(), p.Timeout)
	defer cancel()
	lead := p.leadTime()
	start := time.Now().Add(lead)
	ev := &domain.Event{Name: fmt.Sprintf("Benchmark %d", round), ShortName: fmt.Sprintf("bnch%02d", round%100),
		EnvironmentID: s.environment, OwnerID: s.instructor, StartsAt: start, LeadTime: &lead}
	must(b, s.p.DB.CreateEvent(ctx, ev), "event")
	must(b, s.p.DB.AddEventGroup(ctx, &domain.EventGroup{EventID: ev.ID, GroupID: s.group, Role: domain.EventRoleParticipant}),
		"event group")

	before := s.sim.Stats()
	t0 := time.Now()
	_, err := s.p.Temporal.ExecuteWorkflow(ctx, workflows.EventStartOptions(ev.ID), workflows.EventLifecycleType.Name,
		workflows.EventLifecycleInput{EventID: ev.ID, DeployConcurrency: p.Concurrency})
	must(b, err, "starting the event's lifecycle")
	ready := s.awaitReady(ctx, b, ev.ID, p.N)
	after := s.sim.Stats()
	s.awaitState(ctx, b, ev.ID, domain.EventRunning)

	f := figures{readyMakespan: ready.Sub(t0), apiCalls: float64(benchstack.Requests(after) - benchstack.Requests(before)),
		routes: benchstack.RouteDiff(before, after)}
	var lastClone, lastStart time.Time
	perNode := map[string]int{}
	for _, t := range s.sim.Tasks() {
		if t.Started.Before(t0) || t.Ended.IsZero() {
			continue
		}
		switch t.Type {
		case "qmclone":
			lastClone = later(lastClone, t.Ended)
			perNode[t.Node]++
		case "qmstart":
			lastStart = later(lastStart, t.Ended)
		}
	}
	f.cloneMakespan, f.lastRunning = lastClone.Sub(t0), lastStart.Sub(start)
	f.maxClones = maxClones(after)
	f.routes = fmt.Sprintf("%s\n  clones by node: %v", f.routes, perNode)
	return f
}

// awaitReady polls the event's items until n are ready and returns when
// it saw that; a failed item ends the benchmark.
func (s *stack) awaitReady(ctx context.Context, b *testing.B, event uuid.UUID, n int) time.Time {
	for {
		items, err := s.p.DB.ListEventItems(ctx, event, nil)
		must(b, err, "event items")
		ready := 0
		for _, it := range items {
			switch it.State {
			case domain.ItemReady:
				ready++
			case domain.ItemFailed:
				b.Fatalf("item %s/%s failed at %q: %s", it.UserID, it.Machine, it.LastStep, it.LastError)
			}
		}
		if ready == n {
			return time.Now()
		}
		select {
		case <-ctx.Done():
			b.Fatalf("%d of %d VMs ready when the round's deadline passed", ready, n)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// awaitState polls the event until it is in state.
func (s *stack) awaitState(ctx context.Context, b *testing.B, event uuid.UUID, state domain.EventState) {
	for {
		e, err := s.p.DB.FindEvent(ctx, event)
		must(b, err, "event")
		if e.State == state {
			return
		}
		select {
		case <-ctx.Done():
			b.Fatalf("the event is %s, not %s, when the round's deadline passed", e.State, state)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// maxClones is the most clone tasks a node ran at once. A full clone's
// task runs on the template's node, whichever node gets the VM.
func maxClones(st pvesim.Stats) int {
	n := 0
	for _, ns := range st.Nodes {
		n = max(n, ns.MaxRunning["qmclone"])
	}
	return n
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

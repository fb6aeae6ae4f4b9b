package provision

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/bench/internal/benchstack"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/workflows"
)

// TestMain stops the shared PostgreSQL cluster and FerretDB server.
func TestMain(m *testing.M) { apptest.Main(m) }

// BenchmarkProvision asks for N CloneVM workflows at once over K simulated
// nodes with clone_concurrency C and reports the makespan against the
// capacity bound, Proxmox API calls per VM, the most clones a node ran at
// once and the process CPU time per VM. One round usually exceeds the
// default -benchtime, so the benchmark runs one round; -benchtime=3x runs
// three on the same stack.
func BenchmarkProvision(b *testing.B) {
	p, err := loadParams()
	if err != nil {
		b.Fatal(err)
	}
	s := newStack(b, p)
	var sum roundFigures
	rounds := 0
	for b.Loop() {
		f := s.round(b, p, rounds)
		sum.add(f)
		rounds++
	}
	avg := sum.div(rounds)
	bound := p.bound()
	b.ReportMetric(avg.makespan.Seconds(), "makespan-s")
	b.ReportMetric(bound.Seconds(), "bound-s")
	b.ReportMetric(avg.makespan.Seconds()/bound.Seconds(), "makespan/bound")
	b.ReportMetric(avg.apiCalls/float64(p.N), "api-calls/vm")
	b.ReportMetric(avg.taskPolls/float64(p.N), "task-polls/vm")
	b.ReportMetric(avg.lastPlacement.Seconds(), "last-placement-s")
	b.ReportMetric(float64(sum.maxClones), "max-clones/node")
	b.ReportMetric(float64(avg.cpu.Microseconds())/1000/float64(p.N), "cpu-ms/vm")
	b.ReportMetric(float64(avg.handoff.Microseconds())/1000, "handoff-ms")
	b.Logf("N=%d K=%d C=%d T=%s (real %s, scale %g, poll %s, start=%t, %d starts in flight), %d round(s): makespan %s, bound %s, ratio %.2f; "+
		"%.1f Proxmox API calls/VM (target <= 8), %.1f of them task polls; last placement ended +%s; "+
		"max concurrent clones per node %d (cap %d); CPU %.1f ms/VM; clone handoff %s",
		p.N, p.K, p.C, p.T, p.cloneReal(), p.Scale, p.Poll, p.Start, p.Starts, rounds,
		avg.makespan.Round(time.Millisecond), bound, avg.makespan.Seconds()/bound.Seconds(),
		avg.apiCalls/float64(p.N), avg.taskPolls/float64(p.N), avg.lastPlacement.Round(10*time.Millisecond),
		sum.maxClones, p.C, float64(avg.cpu.Microseconds())/1000/float64(p.N),
		avg.handoff.Round(time.Millisecond))
	// The details go to stdout: the testing package cuts a benchmark's log
	// after ten lines.
	fmt.Printf("provision: activity attempts in the last round:%s\nprovision: Proxmox requests by route in the last round:%s\n",
		sum.attempts, sum.routes)
}

// roundFigures is what one round measured.
type roundFigures struct {
	makespan time.Duration
	apiCalls float64
	// taskPolls counts the requests that look at tasks: status polls and
	// node task lists.
	taskPolls float64
	// lastPlacement is when the last ReserveAndPlace attempt ended, from
	// the round's start.
	lastPlacement time.Duration
	cpu           time.Duration
	maxClones     int
	routes        string
	// handoff is the mean time from a clone task's end to the start of
	// the clone that took its slot on the node.
	handoff  time.Duration
	attempts string
}

func (f *roundFigures) add(o roundFigures) {
	f.makespan += o.makespan
	f.apiCalls += o.apiCalls
	f.taskPolls += o.taskPolls
	f.lastPlacement += o.lastPlacement
	f.cpu += o.cpu
	f.handoff += o.handoff
	f.maxClones = max(f.maxClones, o.maxClones)
	f.routes = o.routes
	f.attempts = o.attempts
}

func (f roundFigures) div(n int) roundFigures {
	d := time.Duration(max(n, 1))
	f.makespan /= d
	f.cpu /= d
	f.apiCalls /= float64(max(n, 1))
	f.taskPolls /= float64(max(n, 1))
	f.lastPlacement /= d
	f.handoff /= d
	return f
}

// round provisions N fresh VMs: it stores them, starts every CloneVM at
// once, waits for all within p.Timeout and checks that no node ran more
// than C clones at a time. The benchmark's ns/op includes storing the VMs;
// makespan-s does not.
func (s *stack) round(b *testing.B, p params, round int) roundFigures {
	ctx, cancel := context.WithTimeout(context.Background(), p.Timeout)
	defer cancel()
	ids := s.newVMs(ctx, b, round, p.N)
	before := s.sim.Stats()
	cpu0 := benchstack.CPUTime(b)
	attempts0 := s.attempts.Snapshot()

	start := time.Now()
	errs := make([]error, len(ids))
	var started atomic.Int64 // when the last start returned, after start
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { errs[i] = s.cloneVM(ctx, id, p.Start, start, &started) })
	}
	wg.Wait()
	makespan := time.Since(start)
	cpu := benchstack.CPUTime(b) - cpu0
	attempts1 := s.attempts.Snapshot()
	after := s.sim.Stats()
	failed := 0
	for i, err := range errs {
		if err != nil {
			if failed < 5 {
				b.Errorf("VM %s: %v", ids[i], err)
			}
			failed++
		}
	}
	if failed > 0 {
		b.Fatalf("%d of %d CloneVM workflows failed or timed out (deadline %s)", failed, len(ids), p.Timeout)
	}
	timeline := cloneTimeline(s.sim.Tasks(), start, p.C)
	f := roundFigures{makespan: makespan, cpu: cpu, apiCalls: float64(benchstack.Requests(after) - benchstack.Requests(before)), routes: benchstack.RouteDiff(before, after),
		handoff: timeline.handoff,
		attempts: fmt.Sprintf("\n  all %d workflows started by +%s", len(ids), time.Duration(started.Load()).Round(10*time.Millisecond)) +
			benchstack.AttemptDiff(attempts0, attempts1, start) + "\n  clones by node:" + timeline.text}
	for _, route := range []string{"/nodes/{node}/tasks/{upid}/status", "/nodes/{node}/tasks"} {
		f.taskPolls += float64(after.RequestCount("GET", route) - before.RequestCount("GET", route))
	}
	if a := attempts1["ReserveAndPlace"]; a.Attempts > attempts0["ReserveAndPlace"].Attempts {
		f.lastPlacement = a.Last.Sub(start)
	}
	for name, ns := range after.Nodes {
		got := ns.MaxRunning["qmclone"]
		if got > p.C {
			b.Errorf("node %s ran %d clones at once; its clone_concurrency is %d", name, got, p.C)
		}
		f.maxClones = max(f.maxClones, got)
	}
	return f
}

// cloneVM runs one VM's CloneVM workflow, as the API starts it, and waits
// for its result; it records in lastStart when its start returned.
func (s *stack) cloneVM(ctx context.Context, vm uuid.UUID, start bool, t0 time.Time, lastStart *atomic.Int64) error {
	run, err := s.p.Temporal.ExecuteWorkflow(ctx, workflows.VMStartOptions(workflows.CloneVMType, workflows.CloneVMWorkflowID(vm), vm),
		workflows.CloneVMType.Name, workflows.CloneVMInput{VM: vm, Start: start})
	if err != nil {
		return fmt.Errorf("starting CloneVM: %w", err)
	}
	for d := int64(time.Since(t0)); ; {
		cur := lastStart.Load()
		if cur >= d || lastStart.CompareAndSwap(cur, d) {
			break
		}
	}
	var res workflows.CloneVMResult
	if err := run.Get(ctx, &res); err != nil {
		return fmt.Errorf("CloneVM: %w", err)
	}
	return nil
}

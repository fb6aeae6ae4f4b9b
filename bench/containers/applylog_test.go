package containers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"

	"github.com/labforge/labforge/internal/gateway"
)

// applyLog is a worker interceptor that records each gateway apply on the
// gateway queue: when it began and ended and whether it changed the files.
type applyLog struct {
	interceptor.WorkerInterceptorBase
	mu      sync.Mutex
	applies []applyRun
}

// applyRun is one ApplySiteGateway attempt.
type applyRun struct {
	began, ended time.Time
	changed      bool
	err          error
}

// InterceptActivity records the worker's ApplySiteGateway attempts.
func (l *applyLog) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &loggedApply{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, l: l}
}

type loggedApply struct {
	interceptor.ActivityInboundInterceptorBase
	l *applyLog
}

func (a *loggedApply) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	began := time.Now()
	res, err := a.Next.ExecuteActivity(ctx, in)
	if activity.GetInfo(ctx).ActivityType.Name != applyActivity {
		return res, err
	}
	r := applyRun{began: began, ended: time.Now(), err: err}
	if out, ok := res.(gateway.Result); ok {
		r.changed = out.Changed
	}
	a.l.mu.Lock()
	a.l.applies = append(a.l.applies, r)
	a.l.mu.Unlock()
	return res, err
}

// since lists the applies that began after start, one a line, and
// counts those that changed the files.
func (l *applyLog) since(start time.Time) (text string, changed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, r := range l.applies {
		if r.began.Before(start) {
			continue
		}
		what := "no change"
		switch {
		case r.err != nil:
			what = "failed: " + r.err.Error()
		case r.changed:
			what = "changed the files"
			changed++
		}
		fmt.Fprintf(&b, "\n  +%-8s %8s  %s", r.began.Sub(start).Round(10*time.Millisecond), r.ended.Sub(r.began).Round(time.Millisecond), what)
	}
	return b.String(), changed
}

package proxmox

import (
	"context"
	"regexp"
	"strconv"
	"time"
)

// TaskStatus is a task's state as GET /nodes/{node}/tasks/{upid}/status
// reports it.
type TaskStatus struct {
	UPID      string
	Node      string
	Type      string
	ID        string
	User      string // the owner, user@realm, also of a task an API token started
	TokenID   string // the name of the API token that started the task, if any
	PID       int64
	StartTime time.Time
	// Status is "running" or "stopped".
	Status string
	// ExitStatus is set once stopped: "OK", "WARNINGS: n", or the error.
	ExitStatus string
	// Warnings is n of a "WARNINGS: n" exit status; such tasks succeeded.
	Warnings int
}

// Running reports whether the task has not stopped yet.
func (s TaskStatus) Running() bool { return s.Status != "stopped" }

// Succeeded reports whether the task stopped with OK or only warnings.
func (s TaskStatus) Succeeded() bool {
	return s.Status == "stopped" && (s.ExitStatus == "OK" || warningsPattern.MatchString(s.ExitStatus))
}

var warningsPattern = regexp.MustCompile(`^WARNINGS: (\d+)$`)

// WaitOptions tune WaitTask. Zero fields take the documented defaults.
type WaitOptions struct {
	// Interval is the shortest delay between polls. Default 1s.
	Interval time.Duration
	// MaxInterval caps the delay. Default 10s. Between the two, a task is
	// polled about every tenth of the time it has been watched, so its end
	// is noticed within about a tenth of its run time; after failed polls
	// the delay grows by half each time.
	MaxInterval time.Duration
	// MaxPollErrors is how many consecutive retryable poll failures are
	// tolerated before WaitTask gives up with the last one. Default 5.
	MaxPollErrors int
	// Heartbeat, when set, is called after every poll attempt with the
	// UPID and the last known status, so an activity can record the UPID
	// (activity.RecordHeartbeat) and resume from it after a crash.
	Heartbeat func(upid string, status TaskStatus)
	// Started is when the caller started the task, if it just did (zero
	// for a task it resumes). AwaitTask learns from such tasks how long
	// tasks of their type take on their node.
	Started time.Time
}

func (o WaitOptions) withDefaults() WaitOptions {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.MaxInterval < o.Interval {
		o.MaxInterval = max(10*time.Second, o.Interval)
	}
	if o.MaxPollErrors <= 0 {
		o.MaxPollErrors = 5
	}
	return o
}

// Within returns o, with its defaults filled in, polling at least every
// limit: both delays are capped at limit. A caller that heartbeats on
// every poll passes a fraction of its heartbeat timeout, so a long task
// never makes it look dead. A limit of 0 or less changes nothing.
func (o WaitOptions) Within(limit time.Duration) WaitOptions {
	o = o.withDefaults()
	if limit > 0 {
		o.Interval = min(o.Interval, limit)
		o.MaxInterval = min(o.MaxInterval, limit)
	}
	return o
}

// taskStatusWire is the JSON of a task status.
type taskStatusWire struct {
	UPID       string `json:"upid"`
	Node       string `json:"node"`
	Type       string `json:"type"`
	ID         string `json:"id"`
	User       string `json:"user"`
	TokenID    string `json:"tokenid"`
	PID        int64  `json:"pid"`
	StartTime  int64  `json:"starttime"`
	Status     string `json:"status"`
	ExitStatus string `json:"exitstatus"`
}

// PollTask reads a task's status once. The node is taken from the UPID.
func (c *Client) PollTask(ctx context.Context, upid string) (TaskStatus, error) {
	const op = "PollTask"
	u, err := ParseUPID(upid)
	if err != nil {
		return TaskStatus{}, withOp(err, c.ep.Name, op)
	}
	var w taskStatusWire
	if err := c.get(ctx, op, u.Node, "/nodes/"+u.Node+"/tasks/"+u.Raw+"/status", &w); err != nil {
		return TaskStatus{UPID: upid, Node: u.Node}, err
	}
	st := statusOfUPID(u)
	st.Status, st.ExitStatus = w.Status, w.ExitStatus
	if w.User != "" {
		st.User, st.TokenID = w.User, w.TokenID
	}
	if m := warningsPattern.FindStringSubmatch(w.ExitStatus); m != nil {
		st.Warnings, _ = strconv.Atoi(m[1])
	}
	return st, nil
}

// statusOfUPID is what a UPID alone says about its task.
func statusOfUPID(u UPID) TaskStatus {
	user, token := u.Owner()
	return TaskStatus{UPID: u.Raw, Node: u.Node, Type: u.Type, ID: u.ID, User: user, TokenID: token,
		PID: u.PID, StartTime: u.StartTime}
}

// WaitTask polls a task until it stops, ctx is done, or polling keeps
// failing. It needs nothing but the UPID, so a retried activity resumes
// waiting for the task its crashed predecessor started; node, if not empty,
// must be the UPID's node.
//
// It returns the final status and nil when the task ended OK or with
// warnings (Warnings > 0). A task that stopped with any other exit status
// yields an *Error classified from the exit status (Conflict for "VM 104
// already running", Locked for lock timeouts, TaskFailed when nothing more
// specific applies) carrying the UPID. Retryable poll failures (network,
// 5xx, 595/596, open breaker) are retried with backoff up to
// MaxPollErrors in a row; other poll failures end the wait at once. When
// ctx is done the error wraps ctx.Err() (kind Transient). A malformed UPID
// is an Invalid error, never a panic.
func (c *Client) WaitTask(ctx context.Context, node, upid string, opts WaitOptions) (TaskStatus, error) {
	const op = "WaitTask"
	u, err := ParseUPID(upid)
	if err != nil {
		return TaskStatus{}, withOp(err, c.ep.Name, op)
	}
	if node != "" && node != u.Node {
		return TaskStatus{}, invalidf(node, op, "task %s belongs to node %s, not %s", upid, u.Node, node)
	}
	opts = opts.withDefaults()
	began := time.Now()
	last := statusOfUPID(u)
	failures := 0
	fail := func(err error) (TaskStatus, error) {
		e := withOp(err, u.Node, op)
		e.UPID = upid
		return last, e
	}
	for {
		st, err := c.PollTask(ctx, upid)
		if err == nil {
			failures, last = 0, st
		}
		if opts.Heartbeat != nil && ctx.Err() == nil {
			opts.Heartbeat(upid, last)
		}
		switch {
		case err == nil:
			if st.Succeeded() {
				return st, nil
			}
			if !st.Running() {
				return st, &Error{Kind: taskKind(st.ExitStatus), Node: u.Node, Op: op, UPID: upid, Message: st.ExitStatus}
			}
		case ctx.Err() != nil:
			return fail(ctx.Err())
		case !IsRetryable(err):
			return fail(err)
		default:
			failures++
			c.log.Debug("proxmox task poll failed", "upid", upid, "attempt", failures, "err", err)
			if failures >= opts.MaxPollErrors {
				return fail(err)
			}
		}
		t := time.NewTimer(opts.nextPoll(time.Since(began), failures))
		select {
		case <-ctx.Done():
			t.Stop()
			return fail(ctx.Err())
		case <-t.C:
		}
	}
}

// nextPoll is the delay before the next poll of a task watched for
// watched, after failures failed polls in a row.
func (o WaitOptions) nextPoll(watched time.Duration, failures int) time.Duration {
	d := max(o.Interval, watched/10)
	for range failures {
		d += d / 2
	}
	return min(d, o.MaxInterval)
}

// withOp returns err as an *Error attributed to op (and node, if unset),
// keeping everything else.
func withOp(err error, node, op string) *Error {
	e, ok := err.(*Error)
	if !ok {
		return classify(node, op, err, nil)
	}
	cp := *e
	cp.Op = op
	if cp.Node == "" {
		cp.Node = node
	}
	return &cp
}

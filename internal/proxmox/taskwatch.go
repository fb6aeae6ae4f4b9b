package proxmox

import (
	"context"
	"sync"
	"time"
)

// AwaitTask waits for a task as WaitTask does (same results, errors and
// heartbeats), but every AwaitTask of this client on the task's node shares
// one poller: it lists the node's tasks started since the oldest one it
// watches (GET /nodes/{node}/tasks?source=all&since=…, running tasks and
// how the ended ones ended in one request) whenever the soonest of them is
// due, and wakes the waiters whose tasks ended. A node with many tasks in
// flight thus costs one request per look, not one per task.
//
// A task is due as WaitTask would poll it (about every tenth of the time
// it has been watched, between opts.Interval and opts.MaxInterval) until
// the poller has seen tasks of its type end on the node; then it is due
// when such tasks typically end, and every Interval after that, backing off
// if it runs much longer. Tasks the caller started itself (opts.Started
// set) teach the poller these typical durations.
//
// Like WaitTask it needs nothing but the UPID, so a retried activity
// resumes waiting for its predecessor's task.
func (c *Client) AwaitTask(ctx context.Context, upid string, opts WaitOptions) (TaskStatus, error) {
	const op = "AwaitTask"
	u, err := ParseUPID(upid)
	if err != nil {
		return TaskStatus{}, withOp(err, c.ep.Name, op)
	}
	opts = opts.withDefaults()
	w := &taskWatch{upid: u, opts: opts, began: u.StartTime, learn: !opts.Started.IsZero(),
		last: statusOfUPID(u), seen: make(chan struct{}, 1)}
	if w.learn {
		w.began = opts.Started
	}
	p := c.nodePoller(u.Node)
	p.add(w)
	defer p.remove(w)
	for {
		select {
		case <-ctx.Done():
			p.mu.Lock()
			last := w.last
			p.mu.Unlock()
			e := withOp(ctx.Err(), u.Node, op)
			e.UPID = upid
			return last, e
		case <-w.seen:
		}
		p.mu.Lock()
		st, err, done := w.last, w.err, w.done
		p.mu.Unlock()
		if opts.Heartbeat != nil && ctx.Err() == nil {
			opts.Heartbeat(upid, st)
		}
		if done {
			if err != nil {
				e := withOp(err, u.Node, op)
				e.UPID = upid
				return st, e
			}
			return st, nil
		}
	}
}

// lookTimeout bounds one look, so that a request that hangs holds up the
// node's waiters for no longer than that (it counts as a failed poll).
const lookTimeout = 15 * time.Second

// taskListLimit bounds one look's task list; a watched task missing from a
// list this long is polled on its own.
const taskListLimit = 500

// taskWatch is one AwaitTask's task. Its fields are guarded by its
// poller's mu.
type taskWatch struct {
	upid UPID
	opts WaitOptions
	// began is when the task started, as far as the waiter knows; learn
	// says the waiter started it just then, so its duration is reliable.
	began    time.Time
	learn    bool
	lastSeen time.Time // the last look that found it running
	next     time.Time // when it is due for a look
	failures int       // failed looks in a row
	last     TaskStatus
	err      error
	done     bool
	seen     chan struct{} // signalled after each look; room for one
}

func (w *taskWatch) notify() {
	select {
	case w.seen <- struct{}{}:
	default:
	}
}

// finish records how the task ended, as WaitTask reports it.
func (w *taskWatch) finish(st TaskStatus) {
	w.last, w.done = st, true
	if !st.Succeeded() {
		w.err = &Error{Kind: taskKind(st.ExitStatus), Node: w.upid.Node, Message: st.ExitStatus}
	}
}

// taskPoller watches one node's tasks for the AwaitTask calls of a client.
type taskPoller struct {
	c    *Client
	node string

	mu      sync.Mutex
	watches map[*taskWatch]struct{}
	running bool
	wake    chan struct{} // room for one: a new watch may be due sooner
	// typical is how long tasks of each type took on the node, from the
	// tasks watched since they started.
	typical map[string]time.Duration
}

// nodePoller returns the client's poller of node, making it on first use.
func (c *Client) nodePoller(node string) *taskPoller {
	c.pollersMu.Lock()
	defer c.pollersMu.Unlock()
	if c.pollers == nil {
		c.pollers = map[string]*taskPoller{}
	}
	p := c.pollers[node]
	if p == nil {
		p = &taskPoller{c: c, node: node, watches: map[*taskWatch]struct{}{}, wake: make(chan struct{}, 1),
			typical: map[string]time.Duration{}}
		c.pollers[node] = p
	}
	return p
}

func (p *taskPoller) add(w *taskWatch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w.next = p.due(w, time.Now())
	p.watches[w] = struct{}{}
	if !p.running {
		p.running = true
		go p.run()
		return
	}
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *taskPoller) remove(w *taskWatch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.watches, w)
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run looks at the node's tasks whenever a watched one is due, until none
// is watched.
func (p *taskPoller) run() {
	for {
		p.mu.Lock()
		if len(p.watches) == 0 {
			p.running = false
			p.mu.Unlock()
			return
		}
		var due time.Time
		for w := range p.watches {
			if !w.done && (due.IsZero() || w.next.Before(due)) {
				due = w.next
			}
		}
		p.mu.Unlock()
		if due.IsZero() {
			// Only ended tasks whose waiters are about to leave.
			<-p.wake
			continue
		}
		if wait := time.Until(due); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-p.wake:
				t.Stop()
			}
			continue
		}
		p.look()
	}
}

// look lists the node's tasks once and tells every watched task's waiter
// what it found.
func (p *taskPoller) look() {
	p.mu.Lock()
	ws := make([]*taskWatch, 0, len(p.watches))
	var since time.Time
	for w := range p.watches {
		if w.done {
			continue
		}
		ws = append(ws, w)
		if since.IsZero() || w.upid.StartTime.Before(since) {
			since = w.upid.StartTime
		}
	}
	p.mu.Unlock()

	now := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), lookTimeout)
	list, err := p.c.NodeTasks(ctx, p.node, TaskListOptions{Source: TasksAll, Since: since, Limit: taskListLimit})
	cancel()
	byUPID := make(map[string]TaskStatus, len(list))
	for _, st := range list {
		byUPID[st.UPID] = st
	}
	var missing []*taskWatch
	p.mu.Lock()
	for _, w := range ws {
		if _, ok := p.watches[w]; !ok {
			continue
		}
		st, found := byUPID[w.upid.Raw]
		switch {
		case err != nil:
			p.failed(w, err, now)
		case !found:
			missing = append(missing, w)
			continue
		default:
			p.observe(w, st, now)
		}
		w.notify()
	}
	p.mu.Unlock()

	// A task the list does not show (cut short, or archived out of it)
	// is polled on its own.
	for _, w := range missing {
		ctx, cancel := context.WithTimeout(context.Background(), lookTimeout)
		st, err := p.c.PollTask(ctx, w.upid.Raw)
		cancel()
		now := time.Now()
		p.mu.Lock()
		if _, ok := p.watches[w]; ok {
			if err != nil {
				p.failed(w, err, now)
			} else {
				p.observe(w, st, now)
			}
			w.notify()
		}
		p.mu.Unlock()
	}
}

// observe records what a look found about w's task. p.mu is held.
func (p *taskPoller) observe(w *taskWatch, st TaskStatus, now time.Time) {
	w.failures = 0
	if st.Running() {
		w.last, w.lastSeen = st, now
		w.next = p.due(w, now)
		return
	}
	if w.learn && st.Succeeded() {
		p.learn(w, now)
	}
	w.finish(st)
}

// failed records a failed look: retryable failures back off as WaitTask's
// do, up to the waiter's MaxPollErrors; others end the wait. p.mu is held.
func (p *taskPoller) failed(w *taskWatch, err error, now time.Time) {
	w.failures++
	if !IsRetryable(err) || w.failures >= w.opts.MaxPollErrors {
		w.done, w.err = true, err
		return
	}
	p.c.log.Debug("proxmox task list failed", "node", p.node, "upid", w.upid.Raw, "attempt", w.failures, "err", err)
	w.next = now.Add(w.opts.nextPoll(now.Sub(w.began), w.failures))
}

// due is when w's task wants its next look after one at now. p.mu is held.
func (p *taskPoller) due(w *taskWatch, now time.Time) time.Time {
	o := w.opts
	d := max(o.Interval, now.Sub(w.began)/10)
	if typical, ok := p.typical[w.upid.Type]; ok {
		// Look a little after the typical end, so that the look most
		// likely finds the task ended.
		// A look made for another task of the node may come just before
		// this one's end: wait for the end then, not a whole Interval.
		if end := w.began.Add(typical + o.Interval/4); now.Before(end) {
			d = max(o.Interval/10, end.Sub(now))
		} else {
			// Overdue: every Interval at first, then backing off.
			d = max(o.Interval, now.Sub(end)/2)
		}
	}
	return now.Add(min(d, o.MaxInterval))
}

// learn updates the typical duration of w's task type from a task found
// ended at now. When the look before was close (it ran until then) the
// end lies between the two, and the typical duration moves towards it,
// faster down than up; otherwise the task took at most the time to
// now, and the typical duration is lowered a little below that, so that
// it follows tasks that get shorter. p.mu is held.
func (p *taskPoller) learn(w *taskWatch, now time.Time) {
	typ := w.upid.Type
	old, known := p.typical[typ]
	if !w.lastSeen.IsZero() && now.Sub(w.lastSeen) <= 2*w.opts.Interval {
		took := w.lastSeen.Add(now.Sub(w.lastSeen) / 2).Sub(w.began)
		switch {
		case !known:
			p.typical[typ] = took
		case took < old:
			p.typical[typ] = old + (took-old)/2
		default:
			// Up slowly: one long task (a full clone among linked ones)
			// must not make the next short ones be seen late.
			p.typical[typ] = old + min((took-old)/4, w.opts.Interval)
		}
		return
	}
	most := now.Sub(w.began)
	if !known || most < old {
		old = most
	}
	p.typical[typ] = max(old-w.opts.Interval/8, 0)
}

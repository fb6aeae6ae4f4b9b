package pvesim

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// task is a Proxmox worker task. Fields are guarded by Server.mu.
type task struct {
	upid    string
	node    string
	typ     string
	id      string
	user    string
	pid     int
	pstart  int
	start   time.Time
	end     time.Time
	running bool
	exit    string
	log     []string
	cancel  context.CancelFunc
	done    chan struct{}
}

// TaskCounts are how many tasks of one type ended OK and with an error.
type TaskCounts struct {
	OK     int64 `json:"ok"`
	Failed int64 `json:"failed"`
}

// taskSpec describes a task to start.
type taskSpec struct {
	node, typ, id, user string
	// nominal is the task's scaled duration; an injected failure ends the
	// task halfway through it.
	nominal time.Duration
	// cleanup runs with Server.mu held when the task fails, undoing what the
	// synchronous part of the API call already changed.
	cleanup func()
}

// taskRun is a running task as its work function sees it.
type taskRun struct {
	s   *Server
	t   *task
	ctx context.Context
}

// errInterrupted is how a task ends when it is stopped through the API or
// the simulator shuts down.
var errInterrupted = errors.New("interrupted by signal")

// encodeUPID renders a UPID the way PVE::Tools::upid_encode does.
func encodeUPID(node string, pid, pstart int, start time.Time, typ, id, user string) string {
	return fmt.Sprintf("UPID:%s:%08X:%08X:%08X:%s:%s:%s:", node, pid, pstart, start.Unix(), typ, id, user)
}

// decodedUPID is a parsed UPID.
type decodedUPID struct {
	node, typ, id, user string
	pid, pstart         int
	start               int64
}

// decodeUPID parses a UPID as PVE::Tools::upid_decode does.
func decodeUPID(upid string) (decodedUPID, bool) {
	p := strings.Split(upid, ":")
	if len(p) != 9 || p[0] != "UPID" || p[8] != "" || p[1] == "" {
		return decodedUPID{}, false
	}
	pid, err1 := strconv.ParseInt(p[2], 16, 64)
	pstart, err2 := strconv.ParseInt(p[3], 16, 64)
	start, err3 := strconv.ParseInt(p[4], 16, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return decodedUPID{}, false
	}
	return decodedUPID{node: p[1], pid: int(pid), pstart: int(pstart), start: start, typ: p[5], id: p[6], user: p[7]}, true
}

// startTask registers a task on its node and runs work in the background.
// The caller holds Server.mu. The task ends OK when work returns nil and with
// the error's text as exit status otherwise; TaskFailureRate(s) may fail it
// before work runs.
func (s *Server) startTask(spec taskSpec, work func(r *taskRun) error) *task {
	n := s.st.nodes[spec.node]
	now := time.Now()
	n.nextPID++
	t := &task{
		node: spec.node, typ: spec.typ, id: spec.id, user: spec.user, pid: n.nextPID,
		pstart: int(now.Sub(n.bootTime) / (10 * time.Millisecond)), start: now, running: true,
		done: make(chan struct{}),
	}
	t.upid = encodeUPID(t.node, t.pid, t.pstart, t.start, t.typ, t.id, t.user)
	ctx, cancel := context.WithCancel(s.ctx)
	t.cancel = cancel
	s.st.tasks[t.upid] = t
	s.st.taskOrder = append(s.st.taskOrder, t)
	n.running[t.typ]++
	if n.running[t.typ] > n.maxRunning[t.typ] {
		n.maxRunning[t.typ] = n.running[t.typ]
	}
	failInjected, _ := s.dice.hit(s.faults.taskFailureRate(t.typ), "task", t.typ+":"+t.id)
	s.tasksWG.Add(1)
	go func() {
		defer s.tasksWG.Done()
		defer cancel()
		r := &taskRun{s: s, t: t, ctx: ctx}
		var err error
		if failInjected {
			if err = r.sleep(spec.nominal / 2); err == nil {
				err = errors.New(taskFailureText(t.typ, t.id))
			}
		} else {
			err = work(r)
		}
		s.finishTask(t, spec, err)
	}()
	return t
}

// finishTask records a task's end.
func (s *Server) finishTask(t *task, spec taskSpec, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.running = false
	t.end = time.Now()
	n := s.st.nodes[t.node]
	n.running[t.typ]--
	c := n.totals[t.typ]
	if c == nil {
		c = &TaskCounts{}
		n.totals[t.typ] = c
	}
	if err == nil {
		t.exit = "OK"
		t.log = append(t.log, "TASK OK")
		c.OK++
	} else {
		// fork_worker: chomp $err; $err =~ s/\n/ /mg — the exit status
		// and the log's last line are one line.
		msg := strings.ReplaceAll(strings.TrimSuffix(err.Error(), "\n"), "\n", " ")
		t.exit = msg
		t.log = append(t.log, "TASK ERROR: "+msg)
		c.Failed++
		if spec.cleanup != nil {
			spec.cleanup()
		}
	}
	close(t.done)
	s.log.Debug("task finished", "upid", t.upid, "exitstatus", t.exit)
}

// sleep waits d, or fails when the task is stopped.
func (r *taskRun) sleep(d time.Duration) error {
	if d <= 0 {
		return r.ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return nil
	case <-r.ctx.Done():
		return errInterrupted
	}
}

// logf appends a line to the task log.
func (r *taskRun) logf(format string, args ...any) {
	r.s.mu.Lock()
	r.t.log = append(r.t.log, fmt.Sprintf(format, args...))
	r.s.mu.Unlock()
}

// locked runs fn with Server.mu held.
func (r *taskRun) locked(fn func() error) error {
	r.s.mu.Lock()
	defer r.s.mu.Unlock()
	return fn()
}

// storageLock takes one of the storage's lock slots, waiting at most the
// lock timeout, and returns its release. LockTimeoutRate makes it time out
// regardless of contention.
func (r *taskRun) storageLock(st *storage) (func(), error) {
	timeoutErr := errors.New(storageLockError(st.id, st.shared))
	r.s.mu.RLock()
	rate := r.s.faults.LockTimeoutRate
	r.s.mu.RUnlock()
	if hit, _ := r.s.dice.hit(rate, "storagelock", r.t.typ+":"+r.t.id); hit {
		if err := r.sleep(r.s.dur.LockTimeout); err != nil {
			return nil, err
		}
		return nil, timeoutErr
	}
	if st.lockSlot == nil {
		return func() {}, nil
	}
	select {
	case st.lockSlot <- struct{}{}:
		return func() { <-st.lockSlot }, nil
	default:
	}
	r.logf("trying to acquire lock...")
	tm := time.NewTimer(r.s.dur.LockTimeout)
	defer tm.Stop()
	select {
	case st.lockSlot <- struct{}{}:
		r.logf(" OK")
		return func() { <-st.lockSlot }, nil
	case <-tm.C:
		r.logf(" failed")
		return nil, timeoutErr
	case <-r.ctx.Done():
		return nil, errInterrupted
	}
}

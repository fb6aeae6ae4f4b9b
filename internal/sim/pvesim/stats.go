package pvesim

import (
	"sort"
	"sync"
	"time"
)

// Stats is what the simulator observed since it started.
type Stats struct {
	// Requests counts /api2 requests by "METHOD /template" (the PVE schema
	// path, e.g. "POST /nodes/{node}/qemu/{vmid}/clone"); requests matching
	// no route are counted as "METHOD (unmatched)".
	Requests map[string]int64 `json:"requests"`
	// Statuses counts responses by HTTP status.
	Statuses map[int]int64 `json:"statuses"`
	// Nodes holds task statistics per node.
	Nodes map[string]NodeStats `json:"nodes"`
}

// NodeStats are one node's task statistics, keyed by task type (qmclone,
// qmstart, vzcreate, ...).
type NodeStats struct {
	// Running is how many tasks of each type run now.
	Running map[string]int `json:"running"`
	// MaxRunning is the most tasks of each type that ever ran at once.
	MaxRunning map[string]int `json:"max_running"`
	// Tasks counts finished tasks by outcome.
	Tasks map[string]TaskCounts `json:"tasks"`
}

// RequestCount returns how many requests hit the route.
func (st Stats) RequestCount(method, template string) int64 {
	return st.Requests[method+" "+template]
}

// statsRecorder counts requests; it has its own lock so counting does not
// contend with the cluster state.
type statsRecorder struct {
	mu       sync.Mutex
	requests map[string]int64
	statuses map[int]int64
}

func (r *statsRecorder) init() {
	r.requests = map[string]int64{}
	r.statuses = map[int]int64{}
}

// request records one answered request.
func (r *statsRecorder) request(method, template string, status int) {
	key := method + " " + template
	if template == "" {
		key = method + " (unmatched)"
	}
	r.mu.Lock()
	r.requests[key]++
	r.statuses[status]++
	r.mu.Unlock()
}

// Stats returns a snapshot of the request and task statistics.
func (s *Server) Stats() Stats {
	out := Stats{Requests: map[string]int64{}, Statuses: map[int]int64{}, Nodes: map[string]NodeStats{}}
	s.stats.mu.Lock()
	for k, v := range s.stats.requests {
		out.Requests[k] = v
	}
	for k, v := range s.stats.statuses {
		out.Statuses[k] = v
	}
	s.stats.mu.Unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	for name, n := range s.st.nodes {
		ns := NodeStats{Running: map[string]int{}, MaxRunning: map[string]int{}, Tasks: map[string]TaskCounts{}}
		for k, v := range n.running {
			if v > 0 {
				ns.Running[k] = v
			}
		}
		for k, v := range n.maxRunning {
			ns.MaxRunning[k] = v
		}
		for k, v := range n.totals {
			ns.Tasks[k] = *v
		}
		out.Nodes[name] = ns
	}
	return out
}

// TaskState is a task as the simulator sees it.
type TaskState struct {
	UPID       string   `json:"upid"`
	Node       string   `json:"node"`
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	User       string   `json:"user"`
	Running    bool     `json:"running"`
	ExitStatus string   `json:"exitstatus,omitempty"`
	Log        []string `json:"log"`
	// Started and Ended are real (unscaled) times; Ended is zero while
	// the task runs.
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended,omitzero"`
}

// Tasks returns every task, oldest first.
func (s *Server) Tasks() []TaskState {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]TaskState, 0, len(s.st.taskOrder))
	for _, t := range s.st.taskOrder {
		out = append(out, taskState(t))
	}
	return out
}

// Task returns one task by UPID.
func (s *Server) Task(upid string) (TaskState, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.st.tasks[upid]
	if !ok {
		return TaskState{}, false
	}
	return taskState(t), true
}

func taskState(t *task) TaskState {
	return TaskState{UPID: t.upid, Node: t.node, Type: t.typ, ID: t.id, User: t.user, Running: t.running,
		ExitStatus: t.exit, Log: append([]string(nil), t.log...), Started: t.start, Ended: t.end}
}

// WaitTasks blocks until no task runs, or returns false when timeout passes.
func (s *Server) WaitTasks(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		s.mu.RLock()
		var pending []chan struct{}
		for _, t := range s.st.taskOrder {
			if t.running {
				pending = append(pending, t.done)
			}
		}
		s.mu.RUnlock()
		if len(pending) == 0 {
			return true
		}
		for _, ch := range pending {
			select {
			case <-ch:
			case <-time.After(time.Until(deadline)):
				return false
			}
		}
	}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

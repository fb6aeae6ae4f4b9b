package guacamole

import (
	"maps"
	"sync"
)

// Stats is what the simulator observed since it started.
type Stats struct {
	// Requests counts /api requests by "METHOD /template", e.g.
	// "POST /api/session/data/{ds}/connections"; requests matching no
	// route count as "METHOD (unmatched)".
	Requests map[string]int64 `json:"requests"`
	// Statuses counts answers by HTTP status.
	Statuses map[int]int64 `json:"statuses"`
}

// RequestCount is how many requests hit the route.
func (st Stats) RequestCount(method, template string) int64 {
	return st.Requests[method+" "+template]
}

// statsRecorder counts requests under its own lock.
type statsRecorder struct {
	mu       sync.Mutex
	requests map[string]int64
	statuses map[int]int64
}

func (r *statsRecorder) init() {
	r.requests = map[string]int64{}
	r.statuses = map[int]int64{}
}

func (r *statsRecorder) request(method, template string, status int) {
	r.mu.Lock()
	r.requests[method+" "+template]++
	r.statuses[status]++
	r.mu.Unlock()
}

// Stats returns a snapshot of the request statistics.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return Stats{Requests: maps.Clone(s.stats.requests), Statuses: maps.Clone(s.stats.statuses)}
}

package moodle

import (
	"maps"
	"sync"
)

// Stats is what the simulator observed since it started.
type Stats struct {
	// Calls counts requests by wsfunction ("" when none was given).
	Calls map[string]int64 `json:"calls"`
	// Statuses counts answers by HTTP status.
	Statuses map[int]int64 `json:"statuses"`
	// Exceptions counts exception answers by errorcode.
	Exceptions map[string]int64 `json:"exceptions"`
}

type statsRecorder struct {
	mu         sync.Mutex
	calls      map[string]int64
	statuses   map[int]int64
	exceptions map[string]int64
}

func (r *statsRecorder) init() {
	r.calls, r.statuses, r.exceptions = map[string]int64{}, map[int]int64{}, map[string]int64{}
}

func (r *statsRecorder) request(fn string, status int, errorcode string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[fn]++
	r.statuses[status]++
	if errorcode != "" {
		r.exceptions[errorcode]++
	}
}

// Stats returns a snapshot of the request statistics.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return Stats{Calls: maps.Clone(s.stats.calls), Statuses: maps.Clone(s.stats.statuses),
		Exceptions: maps.Clone(s.stats.exceptions)}
}

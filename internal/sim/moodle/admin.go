package moodle

import (
	"encoding/json"
	"net/http"
)

// serveAdmin answers the simulator's own API (no authentication; the
// server listens on loopback only):
//
//	GET  /_sim/stats    request statistics (Stats)
//	GET  /_sim/faults   the faults in force
//	PUT  /_sim/faults   replace them (JSON Faults; latency in nanoseconds)
//	POST /_sim/down     answer 503 to every request
//	POST /_sim/up       serve again
//	GET  /_sim/courses  every course
//	GET  /_sim/users    every user
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch r.Method + " " + r.URL.Path {
	case "GET /_sim/stats":
		writeJSON(w, s.Stats())
	case "GET /_sim/faults":
		writeJSON(w, s.CurrentFaults())
	case "PUT /_sim/faults":
		var f Faults
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := s.SetFaults(f); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeJSON(w, f)
	case "POST /_sim/down":
		s.SetDown(true)
		w.WriteHeader(http.StatusNoContent)
	case "POST /_sim/up":
		s.SetDown(false)
		w.WriteHeader(http.StatusNoContent)
	case "GET /_sim/courses":
		writeJSON(w, s.Courses())
	case "GET /_sim/users":
		writeJSON(w, s.Users())
	default:
		http.Error(w, "no such admin endpoint", http.StatusNotFound)
	}
}

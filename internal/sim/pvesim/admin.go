package pvesim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// serveAdmin serves the simulator's own API under /_sim (see the package
// documentation). It answers plain JSON without the Proxmox envelope.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_sim"), "/")
	switch {
	case r.Method == http.MethodGet && path == "/stats":
		adminJSON(w, http.StatusOK, s.Stats())
	case r.Method == http.MethodGet && path == "/faults":
		adminJSON(w, http.StatusOK, s.Faults())
	case r.Method == http.MethodPut && path == "/faults":
		var f Faults
		if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&f); err != nil {
			adminJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if err := s.SetFaults(f); err != nil {
			adminJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		adminJSON(w, http.StatusOK, s.Faults())
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/nodes/") &&
		(strings.HasSuffix(path, "/down") || strings.HasSuffix(path, "/up")):
		rest := strings.TrimPrefix(path, "/nodes/")
		node, state, _ := strings.Cut(rest, "/")
		if err := s.SetNodeDown(node, state == "down"); err != nil {
			adminJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		adminJSON(w, http.StatusOK, map[string]any{"node": node, "down": state == "down"})
	case r.Method == http.MethodPost && path == "/status/refresh":
		s.RefreshStatus()
		adminJSON(w, http.StatusOK, map[string]bool{"refreshed": true})
	case r.Method == http.MethodGet && path == "/guests":
		adminJSON(w, http.StatusOK, s.Guests())
	case r.Method == http.MethodGet && path == "/tasks":
		adminJSON(w, http.StatusOK, s.Tasks())
	case r.Method == http.MethodPut && path == "/leases":
		var l struct{ Bridge, MAC, IP string }
		if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&l); err != nil {
			adminJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		pin := s.PinLease
		if l.Bridge == "" {
			pin = func(_, mac, ip string) error { return s.SetLease(mac, ip) }
		}
		if err := pin(l.Bridge, l.MAC, l.IP); err != nil {
			adminJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		adminJSON(w, http.StatusOK, l)
	default:
		adminJSON(w, http.StatusNotFound, map[string]string{"error": "no such admin endpoint"})
	}
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

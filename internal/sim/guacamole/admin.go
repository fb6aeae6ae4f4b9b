package guacamole

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// serveAdmin serves the simulator's own API under /_sim (see the package
// documentation).
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_sim"), "/")
	switch {
	case r.Method == http.MethodGet && path == "/stats":
		writeJSON(w, http.StatusOK, s.Stats())
	case r.Method == http.MethodGet && path == "/faults":
		writeJSON(w, http.StatusOK, s.Faults())
	case r.Method == http.MethodPut && path == "/faults":
		var f Faults
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if f.Down == Refused {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "down=refused would stop the admin API too; use Server.SetDown"})
			return
		}
		if err := s.SetFaults(f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, s.Faults())
	case r.Method == http.MethodGet && path == "/connections":
		writeJSON(w, http.StatusOK, s.Connections())
	case r.Method == http.MethodGet && path == "/users":
		writeJSON(w, http.StatusOK, s.Users())
	case r.Method == http.MethodPost && path == "/expire-tokens":
		s.ExpireTokens()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such admin endpoint"})
	}
}

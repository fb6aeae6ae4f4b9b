package guacamole

import (
	"net/http"
)

// tokenAnswer is what POST /api/tokens answers (APIAuthenticationResult).
type tokenAnswer struct {
	AuthToken            string   `json:"authToken"`
	Username             string   `json:"username"`
	DataSource           string   `json:"dataSource"`
	AvailableDataSources []string `json:"availableDataSources"`
}

// signIn serves POST /api/tokens.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, _ map[string]string) {
	if err := r.ParseForm(); err != nil {
		writeError(w, typeBadRequest, "Invalid request: "+err.Error())
		return
	}
	username := r.PostForm.Get("username")
	token, ok := s.signInUser(username, r.PostForm.Get("password"))
	if !ok {
		writeInvalidLogin(w)
		return
	}
	ds := s.cfg.DataSource
	// A JDBC backend also offers its "-shared" data source for connection
	// sharing; sign-in reports both.
	writeJSON(w, http.StatusOK, tokenAnswer{AuthToken: token, Username: username, DataSource: ds,
		AvailableDataSources: []string{ds, ds + "-shared"}})
}

// signOut serves DELETE /api/tokens/{token}.
func (s *Server) signOut(w http.ResponseWriter, _ *http.Request, p map[string]string) {
	s.mu.Lock()
	_, ok := s.st.sessions[p["token"]]
	delete(s.st.sessions, p["token"])
	s.mu.Unlock()
	if !ok {
		writeError(w, typeNotFound, "No such token.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

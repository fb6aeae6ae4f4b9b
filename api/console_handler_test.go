package api_test

import (
	"net/http"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
)

// testConsole is the built web console the fakeAPI serves.
var testConsole = fstest.MapFS{
	"index.html":               {Data: []byte("<!doctype html><title>Labforge console</title>")},
	"assets/index-B2x9Qk1a.js": {Data: []byte("console.log(1)")},
}

// TestHandlerConsoleServedOutsideAPI checks that the console answers the
// paths no API route takes: its files with their caching, and index.html
// for the paths of its own router.
func TestHandlerConsoleServedOutsideAPI(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.skipContract = true // the console is not part of the API's contract

	r := h.do(nil, http.MethodGet, "/", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, "no-cache", r.header.Get("Cache-Control"))
	require.Contains(t, string(r.body), "Labforge console")

	r = h.do(nil, http.MethodGet, "/operations?state=failed", nil)
	require.Equal(t, http.StatusOK, r.status, "the console's own route falls back to index.html")
	require.Contains(t, string(r.body), "Labforge console")

	r = h.do(nil, http.MethodGet, "/assets/index-B2x9Qk1a.js", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, "public, max-age=31536000, immutable", r.header.Get("Cache-Control"))
}

// TestHandlerConsoleLeavesAPIPathsAlone checks that unknown API paths and
// non-GET requests keep the JSON errors, and the probes their own routes.
func TestHandlerConsoleLeavesAPIPathsAlone(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	for _, path := range []string{"/api", "/api/v1/no-such-thing", "/api/v2/users"} {
		r := h.do(h.admin, http.MethodGet, path, nil)
		e := r.requireError(t, http.StatusNotFound, domain.KindNotFound)
		require.Contains(t, e.Message, "no route GET "+path)
	}
	r := h.do(h.admin, http.MethodPost, "/operations", nil)
	r.requireError(t, http.StatusNotFound, domain.KindNotFound)

	r = h.do(nil, http.MethodGet, "/healthz", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.NotContains(t, string(r.body), "Labforge console")
	r = h.do(nil, http.MethodGet, "/metrics", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.NotContains(t, string(r.body), "Labforge console")
}

// TestHandlerConsoleSettings checks that a signed-in user reads where the
// Temporal Web UI is, and that the settings need a sign-in.
func TestHandlerConsoleSettings(t *testing.T) {
	t.Parallel()
	h := newFakeAPIWith(t, func(d *api.Deps) {
		d.TemporalUIURL, d.TemporalNamespace = "https://temporal.example.org/", "labs"
	})
	r := h.do(h.participant, http.MethodGet, "/api/v1/console/settings", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var got api.ConsoleSettings
	r.json(t, &got)
	require.Equal(t, api.ConsoleSettings{TemporalUIURL: "https://temporal.example.org", TemporalNamespace: "labs"}, got)

	h.do(nil, http.MethodGet, "/api/v1/console/settings", nil).requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
}

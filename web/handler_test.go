package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/web"
)

// app is a built console as Vite lays it out.
var app = fstest.MapFS{
	"index.html":                {Data: []byte("<!doctype html><title>Labforge</title>")},
	"logo.svg":                  {Data: []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")},
	"assets/index-B2x9Qk1a.js":  {Data: []byte("console.log(1)")},
	"assets/index-Cq81zZ0p.css": {Data: []byte("body{}")},
}

func get(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), method, target, nil))
	return rec
}

func TestHandlerCachesHashedAssetsForever(t *testing.T) {
	h := web.NewHandler(app)
	rec := get(t, h, http.MethodGet, "/assets/index-B2x9Qk1a.js")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))
	require.Contains(t, rec.Header().Get("Content-Type"), "javascript")
	require.Equal(t, "console.log(1)", rec.Body.String())

	rec = get(t, h, http.MethodGet, "/assets/index-Cq81zZ0p.css")
	require.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))
	require.Contains(t, rec.Header().Get("Content-Type"), "text/css")
}

func TestHandlerRevalidatesIndexAndUnhashedFiles(t *testing.T) {
	h := web.NewHandler(app)
	for _, target := range []string{"/", "/index.html", "/logo.svg"} {
		rec := get(t, h, http.MethodGet, target)
		require.Equal(t, http.StatusOK, rec.Code, target)
		require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), target)
	}
	rec := get(t, h, http.MethodGet, "/")
	require.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Contains(t, rec.Body.String(), "<title>Labforge</title>")
}

func TestHandlerFallsBackToIndexForAppRoutes(t *testing.T) {
	h := web.NewHandler(app)
	for _, target := range []string{"/operations", "/admin/nodes?page=2", "/events/3f2a/seats", "/../../etc/passwd", "/assets"} {
		rec := get(t, h, http.MethodGet, target)
		require.Equal(t, http.StatusOK, rec.Code, target)
		require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), target)
		require.Contains(t, rec.Body.String(), "<title>Labforge</title>", target)
	}
	rec := get(t, h, http.MethodHead, "/operations")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Empty(t, rec.Body.String())
}

func TestHandlerAnswersMissingAssetWithNotFound(t *testing.T) {
	rec := get(t, web.NewHandler(app), http.MethodGet, "/assets/index-OLDHASH.js")
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.NotContains(t, rec.Body.String(), "<title>Labforge</title>")
}

func TestHandlerRefusesUnsafeMethods(t *testing.T) {
	rec := get(t, web.NewHandler(app), http.MethodPost, "/operations")
	require.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
}

func TestNotBuiltServesItsPageEverywhere(t *testing.T) {
	h := web.NotBuilt([]byte("<p>not built</p>"))
	for _, target := range []string{"/", "/operations", "/assets/x.js"} {
		rec := get(t, h, http.MethodGet, target)
		require.Equal(t, http.StatusOK, rec.Code, target)
		require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), target)
		require.Equal(t, "<p>not built</p>", rec.Body.String(), target)
	}
}

func TestConsoleServesTheEmbeddedBuildOrTheNotBuiltPage(t *testing.T) {
	rec := get(t, web.Console(), http.MethodGet, "/")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))
	require.Contains(t, rec.Body.String(), "Labforge")
}

package web

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

const (
	indexFile = "index.html"
	// assetsPrefix is where Vite writes its content-hashed files: a name
	// there never changes content, so browsers may keep it for good.
	assetsPrefix = "assets/"

	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// Handler serves a single-page app from a file system whose root holds
// index.html. A path naming a file serves that file; any other path serves
// index.html, so the app's router resolves it (the SPA fallback), except
// under assets/, where a missing file is a 404: a stale page asking for an
// old bundle must not receive HTML as JavaScript. Files under assets/ are
// cached as immutable, everything else is revalidated on every use.
type Handler struct {
	files fs.FS
	// page, when set, is served for every path instead of files.
	page []byte
}

// NewHandler serves the app in files (the root holds index.html).
func NewHandler(files fs.FS) *Handler { return &Handler{files: files} }

// NotBuilt serves page, an HTML document, at every path.
func NotBuilt(page []byte) *Handler { return &Handler{page: page} }

// ServeHTTP answers GET and HEAD; other methods get 405.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if h.files == nil {
		serveHTML(w, r, h.page)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" || name == indexFile {
		h.serveIndex(w, r)
		return
	}
	if h.serveFile(w, r, name) {
		return
	}
	if strings.HasPrefix(name, assetsPrefix) {
		w.Header().Set("Cache-Control", cacheRevalidate)
		http.NotFound(w, r)
		return
	}
	h.serveIndex(w, r)
}

// serveFile serves the regular file name, reporting false when there is none.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string) bool {
	data, err := fs.ReadFile(h.files, name)
	if err != nil {
		return false
	}
	if strings.HasPrefix(name, assetsPrefix) {
		w.Header().Set("Cache-Control", cacheImmutable)
	} else {
		w.Header().Set("Cache-Control", cacheRevalidate)
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
	return true
}

func (h *Handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	data, err := fs.ReadFile(h.files, indexFile)
	if err != nil {
		http.Error(w, "the console's index.html is missing", http.StatusInternalServerError)
		return
	}
	serveHTML(w, r, data)
}

// serveHTML serves an HTML document that must be revalidated on every use,
// so a new build reaches the browser on its next load.
func serveHTML(w http.ResponseWriter, r *http.Request, data []byte) {
	w.Header().Set("Cache-Control", cacheRevalidate)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	http.ServeContent(w, r, indexFile, time.Time{}, bytes.NewReader(data))
}

// Package web is the Labforge console: the single-page app built from this
// folder (npm run build, or make web, writes it to dist/app) embedded into
// the API binary, and the handler that serves it. Until the app is built,
// the handler serves dist/not-built.html, which says how to build it, so a
// fresh clone compiles and runs without Node.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// AppDir is where the build writes the app inside dist.
const AppDir = "dist/app"

// notBuiltPage is the page served while dist/app holds no index.html.
const notBuiltPage = "dist/not-built.html"

// Console is the handler of the embedded console: the built app, or the
// page saying it is not built.
func Console() *Handler {
	if app, err := fs.Sub(dist, AppDir); err == nil {
		if _, err := fs.Stat(app, indexFile); err == nil {
			return NewHandler(app)
		}
	}
	page, err := dist.ReadFile(notBuiltPage)
	if err != nil {
		// The page is committed with the package; without it the binary
		// was built from a broken tree.
		panic("web: " + notBuiltPage + " is missing: " + err.Error())
	}
	return NotBuilt(page)
}

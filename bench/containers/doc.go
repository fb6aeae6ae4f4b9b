// Package containers holds the container benchmark: N containers over K
// simulated nodes of one site, asked for through the real API and made by
// the real CreateContainer workflows, with the site's gateway applying
// NGINX and dnsmasq for real when they are installed (render-only
// otherwise), measured from the first request to the last container
// answering HTTP through NGINX by its name. Its code is all in _test.go
// files; bench/README.md says how to run it.
package containers

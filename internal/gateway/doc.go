// Package gateway turns a snapshot of a site's containers and services into
// the dnsmasq and NGINX configuration of the site's gateway host, and applies
// it safely: files are written atomically, checked with the tools themselves,
// reloaded, and restored when a check or reload fails.
//
// Nothing here knows about Temporal; the gateway activity wraps an Applier.
package gateway

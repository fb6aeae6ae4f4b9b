// Package event holds the event deployment benchmark: one event of N
// participants with one linked-clone machine each (its template has a copy
// on every node), deployed by the real
// EventLifecycle workflow (and its CloneVM children) over K simulated
// nodes that clone C at a time, on the embedded Temporal server, real
// PostgreSQL, embedded FerretDB and the Proxmox simulator. It measures the
// deployment's makespan against the capacity bound ceil(N/(K*C))*T, when
// the last VM runs relative to the event's scheduled start, and the
// Proxmox API calls per VM. Its code is all in _test.go files;
// bench/README.md says how to run it.
package event

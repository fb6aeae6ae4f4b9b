// Package benchstack assembles what the benchmarks under bench/ share: a
// platform on the embedded Temporal server, real PostgreSQL (storetest)
// and embedded FerretDB (audittest) built with a testing.TB, workers with
// interceptors, an activity attempt counter, the Proxmox simulator's
// request counts, the process's CPU time and LABFORGE_BENCH_* settings.
package benchstack

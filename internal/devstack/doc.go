// Package devstack assembles Labforge's one-process development stack: an
// embedded Temporal server persisted in SQLite and the Temporal Web UI, a
// PostgreSQL cluster from the local server binaries (pgcluster), embedded
// FerretDB, the Proxmox VE simulator, and the platform's API and workers on
// top. Only cmd/devstack and tests import it, because it links the whole
// Temporal server.
package devstack

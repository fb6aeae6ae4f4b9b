// Package provision holds the provisioning benchmark: N VMs cloned by the
// real CloneVM workflow on the embedded Temporal server, real PostgreSQL
// (storetest), embedded FerretDB (audittest) and the Proxmox simulator,
// measured against the capacity bound of K nodes cloning C at a time.
// Its code is all in _test.go files; bench/README.md says how to run it.
package provision

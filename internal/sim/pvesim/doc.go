// Package pvesim is an in-process simulator of the Proxmox VE 9 HTTP API for
// the subset Labforge uses, faithful enough that the real client library
// (github.com/luthermonson/go-proxmox) cannot tell it from a cluster.
//
// It serves /api2/json over HTTPS on loopback with the same envelope, error
// reason phrases, UPIDs, asynchronous tasks, config locks, storage-lock
// contention, linked and full clones, guest-agent and container interfaces,
// snapshots, pools and cluster resources as Proxmox VE 9.1. Every request is
// checked against the PVE 9.1 API schema (package pveschema) when it is
// available, so a parameter Proxmox would reject is rejected here too.
//
// FIDELITY.md lists, for every method served, what the simulator models,
// what it simplifies, and the Proxmox Perl function it was checked against
// (or that it was not checked).
//
// Durations of simulated operations are multiplied by a time scale, and faults
// (error rates, lock timeouts, 595/596, task failures, latency, nodes going
// down) are injected from a seeded random source, reproducibly.
//
// Besides the Proxmox API, the server answers a small admin API outside /api2
// (no authentication; the server only listens on loopback):
//
//	GET  /_sim/stats                request counts, task concurrency and outcomes
//	GET  /_sim/faults               the fault settings in force
//	PUT  /_sim/faults               replace the fault settings (JSON Faults)
//	POST /_sim/nodes/{node}/down    make a node unreachable (595/596 for /nodes/{node}/...)
//	POST /_sim/nodes/{node}/up      bring it back
//	POST /_sim/status/refresh       every reachable node refreshes the status data cluster/resources shows
//	GET  /_sim/guests               every guest with config, status, MACs, IP, snapshots
//	GET  /_sim/tasks                every task with status and exit status
//	PUT  /_sim/leases               pin a DHCP lease: {"bridge":"vmbr0","mac":"BC:24:11:..","ip":"10.10.0.50"}
//	                                (without "bridge", the bridge whose subnet holds ip)
//
// Addresses come from a DHCP lease table per bridge. Tests and the dev stack
// reserve the address of a MAC with Server.SetLease (or PinLease, naming the
// bridge); a MAC without a reservation gets an address of its bridge's pool
// derived from the MAC (the same in every run) and keeps it. A started
// container's ip=dhcp interfaces report no IPv4 address until
// Durations.DHCPLease (scaled) has passed, then their lease; the QEMU guest
// agent answers only after Durations.AgentReady. A bridge may name a dnsmasq
// dhcp-hostsfile (SeedBridge.DHCPHostsFile), such as the one the Labforge
// gateway writes: it is read whenever a guest on the bridge starts, and its
// reservation for the guest's MAC becomes the lease, so a reservation
// written after the start is seen at the next start.
//
// With Config.GuestPorts, running containers whose address is on loopback
// (127.0.0.0/8) answer HTTP on those ports of it with their hostname and
// VMID, until they stop or are destroyed; a gateway in front of them can so
// be shown to reach them without real containers.
package pvesim

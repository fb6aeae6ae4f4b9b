// Package activities holds Labforge's Temporal activities: methods on one
// struct per client they own (Proxmox, Bookkeeping for PostgreSQL,
// Inventory, Operations, System; Gateways for sites' gateways in
// PostgreSQL, Gateway for a site host's NGINX and dnsmasq). An activity
// calls its client, classifies the error at the boundary (retryable or
// not, with a stable type name, errors.go) and returns. Decisions are pure
// functions of domain
// (placement: domain.PlaceVM) or belong to workflows; store methods own
// their transactions. queues.go is the one table of which task queue runs
// which activity: workers register from it and workflows route by it.
package activities

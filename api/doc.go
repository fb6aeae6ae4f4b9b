// Package api is Labforge's REST API (/api/v1) on Gin: authentication,
// permission checks through domain.Authorize, validation with field-level
// errors, audit records for every mutation, and the operation resources
// that front Temporal workflows. It never calls Proxmox on the request path.
// openapi.yaml in this directory is the contract; tests validate real
// responses against it.
package api

// Package activities holds Labforge's Temporal activities: thin methods on
// structs that own their clients. An activity calls a client, classifies
// the error at the boundary (retryable or not, with a stable type name) and
// returns; decisions belong to workflows.
package activities

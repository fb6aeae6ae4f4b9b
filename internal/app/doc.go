// Package app assembles Labforge's processes from configuration: it
// connects the stores and Temporal (failing fast with a sentence naming the
// setting), runs migrations, creates the first administrator, runs the HTTP
// API and the Temporal workers, and keeps the platform's Temporal Schedules
// (inventory sync, reconcile) in line with the configuration. cmd/api, cmd/worker and the dev stack
// all start through it, so there is one wiring to keep right.
package app

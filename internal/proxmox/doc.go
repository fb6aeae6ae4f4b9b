// Package proxmox is Labforge's client for the Proxmox VE API, built on
// github.com/luthermonson/go-proxmox (v0.8.0).
//
// It adds what Labforge's activities need around the library: one client per
// node with API-token authentication and mandatory TLS verification (a CA or
// a pinned certificate fingerprint), a circuit breaker per node, typed error
// classification (see Kind), its own task polling that can resume from a
// UPID alone, and thin typed methods for the operations Labforge performs.
//
// Methods that start a Proxmox task return its UPID and never wait; callers
// wait with WaitTask (status polls of their own) or AwaitTask (the client's
// poller of the task's node, one task list a look for all the tasks waited
// for there), recording the UPID in their heartbeat so that a retried
// attempt resumes waiting for the same task instead of starting a second one.
// VMIDs are always chosen by the caller: nothing here uses /cluster/nextid.
//
// Every error returned by this package's methods is an *Error whose Kind is
// one of the stable names listed at Kind. The HTTP status and reason phrase
// Proxmox answered are recorded below go-proxmox (which otherwise reports a
// 595 as a JSON decode error), so classification goes by status first
// (595/596, 401/403, 400, 404, 501, 408/429/502-504) and by Proxmox's
// message otherwise. An
// activity maps them to Temporal errors in one place:
//
//	var e *proxmox.Error
//	if errors.As(err, &e) && !e.Retryable() {
//		return temporal.NewNonRetryableApplicationError(e.Error(), string(e.Kind), err)
//	}
//	return err // retried: Transient, NodeDown, Locked, AgentNotReady
package proxmox

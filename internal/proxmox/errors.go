package proxmox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/labforge/labforge/internal/clienterr"
)

// Kind classifies a Proxmox failure so callers can decide between retrying
// and giving up without reading message text. The string values are stable:
// activities use them as Temporal application error types and workflows
// switch on them, so they must never be renamed.
//
// A Kind is also an error, so errors.Is(err, proxmox.Locked) reports whether
// err is an *Error of that kind.
type Kind string

const (
	// Transient is a failure that may go away by itself: a generic 5xx,
	// a network error or timeout, a cluster without quorum. Retryable.
	Transient Kind = "Transient"
	// NodeDown means the node cannot be reached: 595/596 from pveproxy,
	// connection refused, or the node's circuit breaker is open. Retryable.
	NodeDown Kind = "NodeDown"
	// Locked means a config, storage or cluster lock could not be taken
	// ("can't lock file ... got timeout", "VM 105 is locked (clone)"). Retryable.
	Locked Kind = "Locked"
	// AgentNotReady means the QEMU guest agent does not answer yet, or has
	// not reported an IPv4 address yet. Retryable.
	AgentNotReady Kind = "AgentNotReady"
	// NotFound means the guest, node, storage, snapshot or task does not exist.
	NotFound Kind = "NotFound"
	// AlreadyExists means the VMID, config file or snapshot name is taken.
	AlreadyExists Kind = "AlreadyExists"
	// Conflict means the guest is in a state that forbids the operation:
	// already running, not running, a template, protected, still in use.
	Conflict Kind = "Conflict"
	// Invalid means the request itself is wrong: parameter verification
	// (Params holds Proxmox's message per parameter), a malformed UPID, an
	// unsupported option, an unexpected response.
	Invalid Kind = "Invalid"
	// Unauthorized means authentication or a permission check failed, or
	// the server's TLS certificate could not be verified.
	Unauthorized Kind = "Unauthorized"
	// TaskFailed means a task stopped with an exit status that names no
	// more specific kind, e.g. "start failed: QEMU exited with code 1".
	TaskFailed Kind = "TaskFailed"
	// TaskUnknown means the node has no such task (400, errors.upid "no
	// such task"): the task was asked of the wrong node, or the node lost
	// its task log. It says nothing of how the task ended; not retryable.
	TaskUnknown Kind = "TaskUnknown"
	// Unknown is what KindOf reports for errors that did not come from
	// this package.
	Unknown Kind = "Unknown"
)

// Retryable reports whether an operation that failed with this kind may
// succeed when attempted again later without any change.
func (k Kind) Retryable() bool {
	switch k {
	case Transient, NodeDown, Locked, AgentNotReady:
		return true
	}
	return false
}

// Error makes a Kind usable as a target of errors.Is.
func (k Kind) Error() string { return "proxmox: " + string(k) }

// Error is a classified Proxmox failure.
type Error struct {
	// Kind is the classification; see the Kind constants.
	Kind Kind
	// Node is the Proxmox node the request was about (or the endpoint's node).
	Node string
	// Op names the client method, e.g. "CloneVM" or "WaitTask".
	Op string
	// Status is the HTTP status, 0 for network, local and task failures.
	Status int
	// Message is Proxmox's message: the HTTP reason phrase, or a task's
	// exit status.
	Message string
	// Params holds per-parameter messages of a 400 parameter verification.
	Params map[string]string
	// UPID identifies the task for task failures.
	UPID string
	// Err is the underlying error, if any.
	Err error
}

// Error renders the error for logs and operators.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("proxmox")
	if e.Node != "" {
		b.WriteString(" " + e.Node)
	}
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	b.WriteString(": ")
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	b.WriteString(msg)
	if len(e.Params) > 0 {
		b.WriteString(" (" + formatParams(e.Params) + ")")
	}
	b.WriteString(" [" + string(e.Kind))
	if e.Status != 0 {
		b.WriteString(" " + strconv.Itoa(e.Status))
	}
	if e.UPID != "" {
		b.WriteString(" " + e.UPID)
	}
	b.WriteString("]")
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, or an *Error with the same Kind.
func (e *Error) Is(target error) bool { return clienterr.SameKind(e.Kind, target, kindOfError) }

// kindOfError is e's Kind ("" for nil).
func kindOfError(e *Error) Kind {
	if e == nil {
		return ""
	}
	return e.Kind
}

// Retryable reports whether the failed operation may succeed if retried.
func (e *Error) Retryable() bool { return e.Kind.Retryable() }

// KindOf returns the Kind of err: "" for nil, the kind of an *Error in its
// chain, Transient for context cancellation and deadlines, Unknown otherwise.
func KindOf(err error) Kind { return clienterr.KindOf(err, kindOfError, Transient, Unknown) }

// IsRetryable reports whether err is a retryable Proxmox failure.
func IsRetryable(err error) bool { return KindOf(err).Retryable() }

// invalidf is a local validation error of kind Invalid.
func invalidf(node, op, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Node: node, Op: op, Message: fmt.Sprintf(format, args...)}
}

// formatParams renders parameter errors in a stable order.
func formatParams(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + strings.TrimSpace(p[k])
	}
	return strings.Join(parts, "; ")
}

package proxmox

import "time"

// Call is the outcome of one client method call, for metrics: Options.OnCall
// receives one per call. Kind is "" when the call succeeded.
type Call struct {
	Node     string // the endpoint's node
	Op       string // the method, e.g. "CloneVM"
	Kind     Kind
	Status   int // HTTP status of a failed answer, 0 otherwise
	Duration time.Duration
}

// Outcome is "ok" or the failure's Kind, a bounded label for counters.
func (c Call) Outcome() string {
	if c.Kind == "" {
		return "ok"
	}
	return string(c.Kind)
}

// Package breaker is the circuit breaker Labforge puts in front of every
// external system (one per Proxmox node, one per Moodle site, ...), built
// on github.com/sony/gobreaker/v2. Clients report only failures that say
// something about the system's health (network errors, 5xx, timeouts), so
// a bad request never opens a breaker; a request refused by an open
// breaker is an *OpenError, which clients classify as retryable.
package breaker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Settings configure a breaker. Zero fields take the documented defaults.
type Settings struct {
	// FailuresToTrip is how many consecutive failures open the breaker.
	// Default 5.
	FailuresToTrip uint32
	// OpenTimeout is how long the breaker stays open before letting
	// probe requests through. Default 30s.
	OpenTimeout time.Duration
	// HalfOpenRequests is how many probe requests may run while half-open;
	// that many consecutive successes close the breaker. Default 1.
	HalfOpenRequests uint32
}

// WithDefaults fills the unset fields.
func (s Settings) WithDefaults() Settings {
	if s.FailuresToTrip == 0 {
		s.FailuresToTrip = 5
	}
	if s.OpenTimeout <= 0 {
		s.OpenTimeout = 30 * time.Second
	}
	if s.HalfOpenRequests == 0 {
		s.HalfOpenRequests = 1
	}
	return s
}

// State is a breaker's state: "closed" (requests flow), "open" (requests
// fail fast) or "half-open" (probing).
type State string

// Breaker states.
const (
	Closed   State = "closed"
	Open     State = "open"
	HalfOpen State = "half-open"
)

func stateOf(s gobreaker.State) State {
	switch s {
	case gobreaker.StateOpen:
		return Open
	case gobreaker.StateHalfOpen:
		return HalfOpen
	}
	return Closed
}

// Breaker guards one external system. It is safe for concurrent use.
type Breaker struct {
	name string // e.g. "pve1"
	what string // what name names, e.g. "node" or "Moodle site"
	cb   *gobreaker.TwoStepCircuitBreaker[struct{}]
}

// New builds the breaker of the system called name, a what ("node",
// "Moodle site"); log should already carry the system's name. Every state
// change is logged (opening as a warning), then passed to onChange when set.
func New(name, what string, s Settings, log *slog.Logger, onChange func(name string, from, to State)) *Breaker {
	s = s.WithDefaults()
	trip := s.FailuresToTrip
	cb := gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        name,
		MaxRequests: s.HalfOpenRequests,
		Timeout:     s.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= trip },
		OnStateChange: func(name string, from, to gobreaker.State) {
			level := slog.LevelInfo
			if to == gobreaker.StateOpen {
				level = slog.LevelWarn
			}
			log.Log(context.Background(), level, "circuit breaker changed state",
				"of", what, "from", stateOf(from), "to", stateOf(to))
			if onChange != nil {
				onChange(name, stateOf(from), stateOf(to))
			}
		},
	})
	return &Breaker{name: name, what: what, cb: cb}
}

// Allow admits a request, or returns an *OpenError. done must be called
// once with whether the request succeeded as far as the system's health
// goes.
func (b *Breaker) Allow() (done func(ok bool), err error) {
	done, err = b.cb.Allow()
	if err != nil {
		return nil, &OpenError{Name: b.name, What: b.what, State: stateOf(b.cb.State()), Err: err}
	}
	return done, nil
}

// State returns the breaker's current state.
func (b *Breaker) State() State { return stateOf(b.cb.State()) }

// OpenError is a request the breaker refused without sending it.
type OpenError struct {
	Name  string
	What  string
	State State
	Err   error
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("%s %s unreachable: circuit breaker %s, failing fast", e.What, e.Name, e.State)
}

// Unwrap returns gobreaker's error.
func (e *OpenError) Unwrap() error { return e.Err }

// IsOpen reports whether err is a request a breaker refused.
func IsOpen(err error) bool {
	var o *OpenError
	return errors.As(err, &o)
}

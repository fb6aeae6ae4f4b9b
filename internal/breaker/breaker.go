// Package breaker is the circuit breaker Labforge puts in front of each
// external system (a Guacamole server, a Moodle site): a thin wrapper over
// github.com/sony/gobreaker/v2 with settings that have documented defaults,
// stable state names and a typed error for requests it refuses.
//
// It counts what the caller reports: callers decide which failures say the
// system is unhealthy (network errors, 5xx) and which are the request's own
// fault (a 400 must not open a breaker).
package breaker

import (
	"errors"
	"fmt"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Settings configure one breaker. Zero fields take the documented defaults.
type Settings struct {
	// FailuresToTrip is how many consecutive failures open the breaker.
	// Default 5.
	FailuresToTrip uint32
	// OpenTimeout is how long the breaker stays open before letting probe
	// requests through. Default 30s.
	OpenTimeout time.Duration
	// HalfOpenRequests is how many probe requests may run while half-open;
	// that many consecutive successes close the breaker. Default 1.
	HalfOpenRequests uint32
}

// WithDefaults returns s with every zero field set to its default.
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

// Breaker guards the requests to one external system. It is safe for
// concurrent use.
type Breaker struct {
	name string
	cb   *gobreaker.TwoStepCircuitBreaker[struct{}]
}

// New builds the breaker of the system called name. onChange, when set,
// hears every state change.
func New(name string, s Settings, onChange func(name string, from, to State)) *Breaker {
	s = s.WithDefaults()
	trip := s.FailuresToTrip
	st := gobreaker.Settings{
		Name:        name,
		MaxRequests: s.HalfOpenRequests,
		Timeout:     s.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= trip },
	}
	if onChange != nil {
		st.OnStateChange = func(name string, from, to gobreaker.State) { onChange(name, stateOf(from), stateOf(to)) }
	}
	return &Breaker{name: name, cb: gobreaker.NewTwoStepCircuitBreaker[struct{}](st)}
}

// Allow admits a request, or refuses it with an *OpenError. done must be
// called once with whether the request succeeded as far as the system's
// health goes.
func (b *Breaker) Allow() (done func(ok bool), err error) {
	done, err = b.cb.Allow()
	if err != nil {
		return nil, &OpenError{Name: b.name, State: stateOf(b.cb.State()), Err: err}
	}
	return done, nil
}

// State is the breaker's current state.
func (b *Breaker) State() State { return stateOf(b.cb.State()) }

// OpenError is a request the breaker refused without sending it.
type OpenError struct {
	Name  string // the guarded system
	State State  // open, or half-open with its probes in flight
	Err   error  // gobreaker's error
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("%s unreachable: circuit breaker %s, failing fast", e.Name, e.State)
}

func (e *OpenError) Unwrap() error { return e.Err }

// IsOpen reports whether err is a request a breaker refused.
func IsOpen(err error) bool {
	var o *OpenError
	return errors.As(err, &o)
}

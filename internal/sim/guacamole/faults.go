package guacamole

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"
)

// Down says how a simulated Guacamole that is down answers.
type Down string

const (
	// Up is a working service.
	Up Down = ""
	// Unavailable answers every /api request with 503 and a plain-text
	// body, as a reverse proxy in front of a stopped Tomcat does.
	Unavailable Down = "unavailable"
	// Refused closes the listener: connections are refused until the
	// service is up again (on the same address). The admin API is down too.
	Refused Down = "refused"
)

// Faults are injected failures of the /api endpoints.
type Faults struct {
	// ErrorRate makes that fraction of /api requests answer 500
	// INTERNAL_ERROR "Unexpected internal error.", as Guacamole does when
	// its database fails.
	ErrorRate float64 `json:"error_rate,omitempty"`
	// Latency is added to every /api request (wall-clock, not scaled).
	Latency time.Duration `json:"-"`
	// Down makes the service unavailable; see Down. Refused can only be set
	// through Server.SetDown, not the admin API.
	Down Down `json:"down,omitempty"`
}

type faultsJSON struct {
	ErrorRate float64 `json:"error_rate,omitempty"`
	Latency   string  `json:"latency,omitempty"`
	Down      Down    `json:"down,omitempty"`
}

// MarshalJSON renders Latency as a duration string ("50ms").
func (f Faults) MarshalJSON() ([]byte, error) {
	j := faultsJSON{ErrorRate: f.ErrorRate, Down: f.Down}
	if f.Latency != 0 {
		j.Latency = f.Latency.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads Latency as a duration string ("50ms").
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	out := Faults{ErrorRate: j.ErrorRate, Down: j.Down}
	if j.Latency != "" {
		d, err := time.ParseDuration(j.Latency)
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		out.Latency = d
	}
	*f = out
	return nil
}

func (f Faults) validate() error {
	if f.ErrorRate < 0 || f.ErrorRate > 1 {
		return fmt.Errorf("error_rate must be within [0,1], got %v", f.ErrorRate)
	}
	if f.Latency < 0 {
		return fmt.Errorf("latency must not be negative")
	}
	switch f.Down {
	case Up, Unavailable, Refused:
	default:
		return fmt.Errorf("down must be %q, %q or empty, got %q", Unavailable, Refused, f.Down)
	}
	return nil
}

// dice draws reproducible numbers for fault decisions: the n-th roll for a
// key is the same in every run with the same seed.
type dice struct {
	seed   uint64
	mu     sync.Mutex
	counts map[string]uint64
}

func newDice(seed uint64) *dice { return &dice{seed: seed, counts: map[string]uint64{}} }

// hit reports whether a fault of the given rate fires for key.
func (d *dice) hit(rate float64, key string) bool {
	if rate <= 0 {
		return false
	}
	d.mu.Lock()
	n := d.counts[key]
	d.counts[key] = n + 1
	d.mu.Unlock()
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(d.seed, h.Sum64()^n)).Float64() < rate
}

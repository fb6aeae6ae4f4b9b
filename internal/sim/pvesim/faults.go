package pvesim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"
)

// Faults are failures the simulator injects. Rates are probabilities in
// [0, 1]. Every decision is drawn from Config.RandomSeed, the kind of fault,
// the request (method and path) and how often that request was seen, so the
// same requests fail the same way in every run, whatever the interleaving of
// other requests.
type Faults struct {
	// ErrorRate makes any /api2 request fail with HTTP 500 and a realistic
	// Proxmox message (see ErrorText).
	ErrorRate float64 `json:"error_rate,omitempty" yaml:"error_rate,omitempty"`
	// EndpointErrorRates overrides ErrorRate per route, keyed
	// "METHOD /template", e.g. "POST /nodes/{node}/qemu/{vmid}/clone".
	EndpointErrorRates map[string]float64 `json:"endpoint_error_rates,omitempty" yaml:"endpoint_error_rates,omitempty"`
	// ErrorText is the message of injected 500s; empty picks one of
	// Proxmox's transient cluster errors.
	ErrorText string `json:"error_text,omitempty" yaml:"error_text,omitempty"`
	// LockTimeoutRate makes clone, create and destroy tasks fail with the
	// storage-lock timeout ("can't lock file '/var/lock/pve-manager/pve-storage-<id>' - got timeout").
	LockTimeoutRate float64 `json:"lock_timeout_rate,omitempty" yaml:"lock_timeout_rate,omitempty"`
	// UnreachableRate makes requests routed to a node (/nodes/{node}/...)
	// answer 595 "Connection refused" or 596 "Connection timed out" with an
	// empty body, as pveproxy does when it cannot reach that node.
	UnreachableRate float64 `json:"unreachable_rate,omitempty" yaml:"unreachable_rate,omitempty"`
	// TaskFailureRate makes tasks end with an error exit status.
	TaskFailureRate float64 `json:"task_failure_rate,omitempty" yaml:"task_failure_rate,omitempty"`
	// TaskFailureRates overrides TaskFailureRate per task type, e.g.
	// {"vzstart": 1} fails every container start and nothing else.
	TaskFailureRates map[string]float64 `json:"task_failure_rates,omitempty" yaml:"task_failure_rates,omitempty"`
	// Latency (plus up to LatencyJitter) is added to every /api2 request. It
	// is wall-clock time and not multiplied by the time scale.
	Latency       time.Duration `json:"-" yaml:"latency,omitempty"`
	LatencyJitter time.Duration `json:"-" yaml:"latency_jitter,omitempty"`
	// NodeDownCode is what requests to a node marked down answer: 595 "No
	// route to host" (default) or 596 "Connection timed out".
	NodeDownCode int `json:"node_down_code,omitempty" yaml:"node_down_code,omitempty"`
}

// faultsJSON is Faults with durations as Go duration strings ("50ms").
type faultsJSON struct {
	ErrorRate          float64            `json:"error_rate,omitempty"`
	EndpointErrorRates map[string]float64 `json:"endpoint_error_rates,omitempty"`
	ErrorText          string             `json:"error_text,omitempty"`
	LockTimeoutRate    float64            `json:"lock_timeout_rate,omitempty"`
	UnreachableRate    float64            `json:"unreachable_rate,omitempty"`
	TaskFailureRate    float64            `json:"task_failure_rate,omitempty"`
	TaskFailureRates   map[string]float64 `json:"task_failure_rates,omitempty"`
	Latency            string             `json:"latency,omitempty"`
	LatencyJitter      string             `json:"latency_jitter,omitempty"`
	NodeDownCode       int                `json:"node_down_code,omitempty"`
}

// MarshalJSON renders durations as strings such as "50ms".
func (f Faults) MarshalJSON() ([]byte, error) {
	j := faultsJSON{
		ErrorRate: f.ErrorRate, EndpointErrorRates: f.EndpointErrorRates, ErrorText: f.ErrorText,
		LockTimeoutRate: f.LockTimeoutRate, UnreachableRate: f.UnreachableRate,
		TaskFailureRate: f.TaskFailureRate, TaskFailureRates: f.TaskFailureRates, NodeDownCode: f.NodeDownCode,
	}
	if f.Latency != 0 {
		j.Latency = f.Latency.String()
	}
	if f.LatencyJitter != 0 {
		j.LatencyJitter = f.LatencyJitter.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON accepts durations as strings such as "50ms".
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	out := Faults{
		ErrorRate: j.ErrorRate, EndpointErrorRates: j.EndpointErrorRates, ErrorText: j.ErrorText,
		LockTimeoutRate: j.LockTimeoutRate, UnreachableRate: j.UnreachableRate,
		TaskFailureRate: j.TaskFailureRate, TaskFailureRates: j.TaskFailureRates, NodeDownCode: j.NodeDownCode,
	}
	var err error
	if j.Latency != "" {
		if out.Latency, err = time.ParseDuration(j.Latency); err != nil {
			return fmt.Errorf("latency: %w", err)
		}
	}
	if j.LatencyJitter != "" {
		if out.LatencyJitter, err = time.ParseDuration(j.LatencyJitter); err != nil {
			return fmt.Errorf("latency_jitter: %w", err)
		}
	}
	*f = out
	return nil
}

// validate reports settings that cannot be applied.
func (f Faults) validate() error {
	rates := map[string]float64{
		"error_rate": f.ErrorRate, "lock_timeout_rate": f.LockTimeoutRate,
		"unreachable_rate": f.UnreachableRate, "task_failure_rate": f.TaskFailureRate,
	}
	for k, v := range f.EndpointErrorRates {
		rates["endpoint_error_rates["+k+"]"] = v
	}
	for k, v := range f.TaskFailureRates {
		rates["task_failure_rates["+k+"]"] = v
	}
	for k, v := range rates {
		if v < 0 || v > 1 {
			return fmt.Errorf("%s must be within [0,1], got %v", k, v)
		}
	}
	if f.NodeDownCode != 0 && f.NodeDownCode != 595 && f.NodeDownCode != 596 {
		return fmt.Errorf("node_down_code must be 595 or 596, got %d", f.NodeDownCode)
	}
	if f.Latency < 0 || f.LatencyJitter < 0 {
		return fmt.Errorf("latency must not be negative")
	}
	return nil
}

// transientErrors are messages Proxmox really answers when its cluster
// filesystem or a lock is busy; injected 500s pick one of them.
var transientErrors = []string{
	"cluster not ready - no quorum?",
	"cfs-lock 'file-user_cfg' error: got lock request timeout",
	"unable to read file '/etc/pve/storage.cfg' - got timeout",
}

// dice draws reproducible random numbers for fault decisions.
type dice struct {
	seed   uint64
	mu     sync.Mutex
	counts map[string]uint64
}

func newDice(seed uint64) *dice { return &dice{seed: seed, counts: map[string]uint64{}} }

// roll returns a number in [0,1) determined by the seed, the fault kind, the
// key and how many times this kind and key were rolled before.
func (d *dice) roll(kind, key string) float64 {
	k := kind + "\x00" + key
	d.mu.Lock()
	n := d.counts[k]
	d.counts[k] = n + 1
	d.mu.Unlock()
	h := fnv.New64a()
	h.Write([]byte(k))
	r := rand.New(rand.NewPCG(d.seed, h.Sum64()^(n*0x9E3779B97F4A7C15)))
	return r.Float64()
}

// hit rolls and reports whether a fault with the given rate fires, and the
// roll itself for picking among variants.
func (d *dice) hit(rate float64, kind, key string) (bool, float64) {
	if rate <= 0 {
		return false, 0
	}
	v := d.roll(kind, key)
	return v < rate, v
}

// taskFailureRate is the injected failure rate of tasks of type typ.
func (f Faults) taskFailureRate(typ string) float64 {
	if r, ok := f.TaskFailureRates[typ]; ok {
		return r
	}
	return f.TaskFailureRate
}

// taskFailureText is the exit status of a task failed by TaskFailureRate,
// modelled on what the real task prints when its storage or QEMU gives up.
func taskFailureText(typ, id string) string {
	switch typ {
	case "qmclone", "vzclone":
		return "clone failed: command '/sbin/lvcreate -ay -n vm-" + id + "-disk-0' failed: got timeout"
	case "vzcreate":
		return "unable to create CT " + id + " - command 'lvcreate' failed: got timeout"
	case "qmstart":
		return "start failed: QEMU exited with code 1"
	case "vzstart":
		return "startup for container '" + id + "' failed"
	case "qmshutdown", "vzshutdown", "qmreboot", "vzreboot":
		return "VM quit/powerdown failed - got timeout"
	case "qmdestroy", "vzdestroy":
		return "lvremove 'pve/vm-" + id + "-disk-0' error:   Logical volume pve/vm-" + id + "-disk-0 in use."
	}
	return "got timeout"
}

// storageLockError is Proxmox's message when a storage's lock could not be
// taken in time: a flock for node-local storage, a cluster lock for shared.
func storageLockError(storeID string, shared bool) string {
	if shared {
		return "cfs-lock 'storage-" + storeID + "' error: got lock request timeout"
	}
	return "can't lock file '/var/lock/pve-manager/pve-storage-" + storeID + "' - got timeout"
}

package pvesim

import (
	"crypto/tls"
	"log/slog"
	"time"

	"github.com/labforge/labforge/internal/sim/pvesim/pveschema"
)

// Config configures a simulator. The zero value is usable: it simulates
// DefaultSeed() in real time, without faults, validating requests against the
// PVE 9.1 schema found by pveschema.LoadDefault when that file is present.
type Config struct {
	// Seed is the initial cluster. Nil means DefaultSeed().
	Seed *Seed
	// TimeScale multiplies every simulated duration (0.001 makes a 60 s full
	// clone take 60 ms). Zero means the seed's time scale, or 1.
	TimeScale float64
	// Durations overrides the unscaled duration of simulated operations;
	// zero fields keep the seed's, then DefaultDurations().
	Durations Durations
	// Faults, when non-nil, replaces the seed's fault settings.
	Faults *Faults
	// RandomSeed seeds every random decision (faults, MAC addresses, UUIDs),
	// so two runs with the same seed and the same requests behave the same.
	RandomSeed uint64
	// StorageLockLimit is how many clone, create and destroy tasks may work
	// on one storage at once; further tasks wait for the storage lock and
	// fail with Proxmox's "can't lock file ... got timeout" when they cannot
	// get it within Durations.LockTimeout. Zero means 4; negative means no limit.
	StorageLockLimit int
	// Schema validates every request. Nil means pveschema.LoadDefault();
	// when no schema file is found the simulator runs without validation
	// and logs a warning.
	Schema *pveschema.Schema
	// SkipValidation turns schema validation off even when a schema exists.
	SkipValidation bool
	// Certificate is the TLS certificate to serve; nil means a fresh
	// self-signed certificate for 127.0.0.1, ::1 and localhost.
	Certificate *tls.Certificate
	// GuestPorts, when set, are TCP ports running containers answer HTTP
	// on, so that what is in front of them (a gateway) can be shown to reach
	// them without real containers: while a container runs and the IPv4
	// address it got at start (its lease or static ip=) is a loopback
	// address (127.0.0.0/8), the simulator listens on those ports of that
	// address and answers every request with 200, the container's hostname
	// and VMID (a WebSocket upgrade gets the same in one message). It stops
	// listening when the container stops or is destroyed, and on Close.
	// At most 256 containers answer at once. Nil: containers never answer.
	GuestPorts []int
	// StatusRefresh is how often, unscaled, each node refreshes the status
	// data cluster/resources and GET /nodes report (guest status, name,
	// template and figures; node and storage usage), as pvestatd does
	// every 10 s: until then a new guest reads "unknown" and a power change
	// shows the old status (see status.go). Zero means
	// DefaultStatusRefresh; InstantStatus (any negative value) shows every
	// change at once.
	StatusRefresh time.Duration
	// Logger receives the simulator's logs; nil discards them.
	Logger *slog.Logger
}

// Durations are the unscaled lengths of simulated Proxmox operations.
type Durations struct {
	CloneFull      time.Duration `json:"clone_full" yaml:"clone_full"`
	CloneLinked    time.Duration `json:"clone_linked" yaml:"clone_linked"`
	CreateCT       time.Duration `json:"create_ct" yaml:"create_ct"`
	Start          time.Duration `json:"start" yaml:"start"`
	Stop           time.Duration `json:"stop" yaml:"stop"`
	Shutdown       time.Duration `json:"shutdown" yaml:"shutdown"`
	Reboot         time.Duration `json:"reboot" yaml:"reboot"`
	Reset          time.Duration `json:"reset" yaml:"reset"`
	Suspend        time.Duration `json:"suspend" yaml:"suspend"`
	Resume         time.Duration `json:"resume" yaml:"resume"`
	Destroy        time.Duration `json:"destroy" yaml:"destroy"`
	Snapshot       time.Duration `json:"snapshot" yaml:"snapshot"`
	Rollback       time.Duration `json:"rollback" yaml:"rollback"`
	SnapshotDelete time.Duration `json:"snapshot_delete" yaml:"snapshot_delete"`
	ConfigUpdate   time.Duration `json:"config_update" yaml:"config_update"`
	Template       time.Duration `json:"template" yaml:"template"`
	// OCIPull is how long pulling an OCI image into a storage takes.
	OCIPull time.Duration `json:"oci_pull" yaml:"oci_pull"`
	// AgentReady is how long after a QEMU start the guest agent answers.
	AgentReady time.Duration `json:"agent_ready" yaml:"agent_ready"`
	// DHCPLease is how long after a container starts its ip=dhcp interfaces
	// get their IPv4 address (before that they report none).
	DHCPLease time.Duration `json:"dhcp_lease" yaml:"dhcp_lease"`
	// LockTimeout is how long a task waits for a busy storage or config lock.
	LockTimeout time.Duration `json:"lock_timeout" yaml:"lock_timeout"`
	// AuthFailureDelay is how long Proxmox holds back a 401 answer.
	AuthFailureDelay time.Duration `json:"auth_failure_delay" yaml:"auth_failure_delay"`
}

// DefaultDurations returns realistic durations for a small LVM-thin cluster.
func DefaultDurations() Durations {
	return Durations{
		CloneFull:        60 * time.Second,
		CloneLinked:      5 * time.Second,
		CreateCT:         20 * time.Second,
		Start:            3 * time.Second,
		Stop:             2 * time.Second,
		Shutdown:         5 * time.Second,
		Reboot:           6 * time.Second,
		Reset:            time.Second,
		Suspend:          time.Second,
		Resume:           time.Second,
		Destroy:          3 * time.Second,
		Snapshot:         3 * time.Second,
		Rollback:         5 * time.Second,
		SnapshotDelete:   2 * time.Second,
		ConfigUpdate:     time.Second,
		Template:         2 * time.Second,
		OCIPull:          15 * time.Second,
		AgentReady:       10 * time.Second,
		DHCPLease:        4 * time.Second,
		LockTimeout:      10 * time.Second,
		AuthFailureDelay: 3 * time.Second,
	}
}

// withDefaults fills zero fields from DefaultDurations.
func (d Durations) withDefaults() Durations { return d.fillFrom(DefaultDurations()) }

// fillFrom returns d with its zero fields taken from def.
func (d Durations) fillFrom(def Durations) Durations {
	fill := func(v *time.Duration, dv time.Duration) {
		if *v == 0 {
			*v = dv
		}
	}
	fill(&d.CloneFull, def.CloneFull)
	fill(&d.CloneLinked, def.CloneLinked)
	fill(&d.CreateCT, def.CreateCT)
	fill(&d.Start, def.Start)
	fill(&d.Stop, def.Stop)
	fill(&d.Shutdown, def.Shutdown)
	fill(&d.Reboot, def.Reboot)
	fill(&d.Reset, def.Reset)
	fill(&d.Suspend, def.Suspend)
	fill(&d.Resume, def.Resume)
	fill(&d.Destroy, def.Destroy)
	fill(&d.Snapshot, def.Snapshot)
	fill(&d.Rollback, def.Rollback)
	fill(&d.SnapshotDelete, def.SnapshotDelete)
	fill(&d.ConfigUpdate, def.ConfigUpdate)
	fill(&d.Template, def.Template)
	fill(&d.OCIPull, def.OCIPull)
	fill(&d.AgentReady, def.AgentReady)
	fill(&d.DHCPLease, def.DHCPLease)
	fill(&d.LockTimeout, def.LockTimeout)
	fill(&d.AuthFailureDelay, def.AuthFailureDelay)
	return d
}

// scaled returns every duration multiplied by scale.
func (d Durations) scaled(scale float64) Durations {
	m := func(v time.Duration) time.Duration { return time.Duration(float64(v) * scale) }
	return Durations{
		CloneFull: m(d.CloneFull), CloneLinked: m(d.CloneLinked), CreateCT: m(d.CreateCT),
		Start: m(d.Start), Stop: m(d.Stop), Shutdown: m(d.Shutdown), Reboot: m(d.Reboot),
		Reset: m(d.Reset), Suspend: m(d.Suspend), Resume: m(d.Resume), Destroy: m(d.Destroy),
		Snapshot: m(d.Snapshot), Rollback: m(d.Rollback), SnapshotDelete: m(d.SnapshotDelete),
		ConfigUpdate: m(d.ConfigUpdate), Template: m(d.Template), AgentReady: m(d.AgentReady),
		OCIPull:     m(d.OCIPull),
		DHCPLease:   m(d.DHCPLease),
		LockTimeout: m(d.LockTimeout), AuthFailureDelay: m(d.AuthFailureDelay),
	}
}

package activities

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/gateway"
	fakes "github.com/labforge/labforge/internal/mock"
)

// Stores that are never called: Register only checks they are there.
type (
	nilVMStore        struct{ domain.VMStore }
	nilNodeStore      struct{ domain.NodeStore }
	nilTemplateStore  struct{ domain.TemplateStore }
	nilSlotStore      struct{ domain.CloneSlotStore }
	nilEvents         struct{ domain.SystemEventLog }
	nilOperationStore struct{ domain.OperationStore }
	nilSiteGateways   struct{ domain.SiteGatewayStore }
	nilContainers     struct{ domain.ContainerStore }
	nilSites          struct{ domain.SiteStore }
	nilEventServices  struct {
		domain.EventConnectionStore
		domain.EventCourseStore
	}
)

// nilRequester is a GatewayRequester that asks nobody.
func nilRequester(context.Context, GatewayApplyRequest) error { return nil }

var testVMIDs = domain.VMIDRange{First: 10000, Last: 10099}

// onceRegistry registers each activity name once, so that the queues of
// several workers can share one test environment.
type onceRegistry struct {
	r    ActivityRegistry
	seen map[string]string
}

func (o *onceRegistry) RegisterActivityWithOptions(a any, opts activity.RegisterOptions) {
	if _, dup := o.seen[opts.Name]; dup {
		return
	}
	o.seen[opts.Name] = ""
	o.r.RegisterActivityWithOptions(a, opts)
}

// registerQueues registers the activities of queues, from s, on r.
func registerQueues(t *testing.T, r ActivityRegistry, s Set, queues ...string) {
	t.Helper()
	once := &onceRegistry{r: r, seen: map[string]string{}}
	for _, q := range queues {
		require.NoError(t, s.Register(once, q))
	}
}

// recorder keeps what Register registered.
type recorder map[string]any

func (r recorder) RegisterActivityWithOptions(a any, opts activity.RegisterOptions) { r[opts.Name] = a }

// stubSet is a complete Set whose stores and clients do nothing: every
// queue registers with it. Tests replace the structs they exercise.
func stubSet() Set {
	slots := &CloneSlots{Store: nilSlotStore{}, CapPerStorage: 1}
	return Set{System: &System{}, Operations: &Operations{Store: nilOperationStore{}}, Proxmox: &Proxmox{Clients: &NodeClients{}, Slots: slots},
		Bookkeeping: &Bookkeeping{VMs: nilVMStore{}, Nodes: nilNodeStore{}, Containers: nilContainers{}, Sites: nilSites{},
			Slots: slots, VMIDs: testVMIDs},
		Inventory: &Inventory{Nodes: nilNodeStore{}, Templates: nilTemplateStore{}, VMs: nilVMStore{}, Events: nilEvents{}, Clients: &NodeClients{}},
		Gateways:  &Gateways{Sites: nilSiteGateways{}, Request: nilRequester}, Gateway: &Gateway{Applier: &gateway.Applier{}},
		Email: &Email{Store: newMemEmails()}, Guacamole: &Guacamole{Store: nilEventServices{}}, Moodle: &Moodle{Store: nilEventServices{}},
		Timeline: &EventTimeline{Log: &memTimeline{}},
		Events:   &Events{Events: &fakes.EventStore{}, VMs: nilVMStore{}, Templates: nilTemplateStore{}}}
}

func TestEveryQueueRegistersItsTableAndTheProbe(t *testing.T) {
	s := stubSet()
	seen := map[string]string{}
	for _, q := range append(slices.Clone(StandardQueues), GatewayQueue("lab-a"), GatewayQueue("lab-b")) {
		r := recorder{}
		require.NoError(t, s.Register(r, q))
		require.Contains(t, r, "ProbeWorker", "every queue answers diagnostics")
		for name := range r {
			if name == "ProbeWorker" {
				continue
			}
			want := q
			if IsGatewayQueue(q) {
				want = GatewayQueuePrefix // every site's gateway queue runs the gateway table
			} else {
				require.Empty(t, seen[name], "%s is registered on %s and %s", name, seen[name], q)
			}
			seen[name] = q
			got, ok := queueOf[name]
			require.True(t, ok)
			require.Equal(t, want, got)
		}
	}
	require.Len(t, seen, len(queueOf), "every activity in the tables is registered on its queue")

	// Workflows name activities by method values on nil pointers.
	var px *Proxmox
	var bk *Bookkeeping
	var inv *Inventory
	var gws *Gateways
	var gw *Gateway
	for _, tc := range []struct {
		fn   any
		want string
	}{{px.CloneGuest, QueuePVEClone}, {px.PowerGuest, QueuePVEActions}, {bk.ReserveAndPlace, QueueCore}, {inv.SyncCluster, QueuePVEPeriodic},
		{gws.SiteGatewaySnapshot, QueueCore}, {gws.RecordSiteGateway, QueueCore}, {gw.ApplySiteGateway, GatewayQueuePrefix}} {
		q, ok := QueueOf(tc.fn)
		require.True(t, ok)
		require.Equal(t, tc.want, q)
	}
	_, ok := QueueOf(px.client)
	require.False(t, ok, "a method in no table has no queue")
}

func TestRegisterRefusesAnIncompleteSet(t *testing.T) {
	err := Set{System: &System{}}.Register(recorder{}, QueuePVEClone)
	require.ErrorContains(t, err, "queue pve-clone: its activities need a Proxmox")
	err = Set{System: &System{}, Proxmox: &Proxmox{Clients: &NodeClients{}}}.Register(recorder{}, QueuePVEActions)
	require.ErrorContains(t, err, "need node clients and clone slots")
	require.ErrorContains(t, Set{}.Register(recorder{}, "pve-cloned"), `unknown task queue "pve-cloned"`)
	err = Set{System: &System{}}.Register(recorder{}, GatewayQueue("lab-a"))
	require.ErrorContains(t, err, "queue gateway.lab-a: its activities need a Gateway")
	err = Set{System: &System{}, Gateway: &Gateway{}}.Register(recorder{}, GatewayQueue("lab-a"))
	require.ErrorContains(t, err, "need a gateway applier")
	require.ErrorContains(t, Set{}.Register(recorder{}, GatewayQueuePrefix), `unknown task queue "gateway."`)

	r := recorder{}
	require.NoError(t, Set{System: &System{}, Gateway: &Gateway{Applier: &gateway.Applier{}}}.Register(r, GatewayQueue("lab-a")),
		"a gateway worker needs neither PostgreSQL nor Proxmox")
	require.Len(t, r, 2)
	require.Equal(t, []string{"ProbeWorker", "ApplySiteGateway"}, Activities(GatewayQueue("lab-b")))
}

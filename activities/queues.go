package activities

import (
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
)

// Task queues: the worker roles of the OpenVLE split, on Temporal. A
// worker process polls the queues it is told to (labforge-worker --queues)
// and runs there exactly the activities of that queue's table below (and
// the workflows whose workflows.Type names the queue). Workflows take an
// activity's queue from the same table (QueueOf), so an activity cannot be
// sent to a queue whose workers do not run it.
const (
	// QueueCore runs every workflow but the periodic ones, and the
	// PostgreSQL bookkeeping they run as local activities.
	QueueCore = "core"
	// QueuePVEActions runs short Proxmox calls: power, config, snapshots,
	// the guest agent, and the container lifecycle's calls.
	QueuePVEActions = "pve-actions"
	// QueuePVEClone runs clones and deletes: long tasks, concurrency capped
	// per node and storage by clone slots; and OCI image pulls.
	QueuePVEClone = "pve-clone"
	// QueuePVEPeriodic runs the Temporal Schedules' workflows (inventory
	// sync, reconciliation) and node import.
	QueuePVEPeriodic = "pve-periodic"
	// GatewayQueuePrefix + a site's name is the queue of the gateway worker
	// on that site's NGINX and dnsmasq host (GatewayQueue). Every such
	// queue runs gatewayTable.
	GatewayQueuePrefix = "gateway."
)

// GatewayQueue is the task queue of the named site's gateway worker.
func GatewayQueue(site string) string { return GatewayQueuePrefix + site }

// IsGatewayQueue reports whether q is a site's gateway queue.
func IsGatewayQueue(q string) bool {
	return strings.HasPrefix(q, GatewayQueuePrefix) && len(q) > len(GatewayQueuePrefix)
}

// StandardQueues are the queues one worker image serves unless told otherwise.
var StandardQueues = []string{QueueCore, QueuePVEActions, QueuePVEClone, QueuePVEPeriodic}

// ValidQueue reports whether q is a standard queue or a gateway queue.
func ValidQueue(q string) bool {
	return slices.Contains(StandardQueues, q) || IsGatewayQueue(q)
}

// KnownQueues describes the valid queue names, for error messages.
func KnownQueues() string {
	return strings.Join(StandardQueues, ", ") + " and " + GatewayQueuePrefix + "<site>"
}

// queueTable lists, per queue, the activities its workers run, as method
// expressions of the struct that owns their client. An activity's
// registered name is its method name: never rename one that has been
// released (running workflows and recorded histories name it).
// System.ProbeWorker runs on every queue.
var queueTable = map[string][]any{
	QueueCore: {
		(*Operations).RecordOperationProgress,
		(*Gateways).SiteGatewaySnapshot, (*Gateways).RecordSiteGateway, (*Gateways).RequestApply,
		(*Bookkeeping).ReserveAndPlace, (*Bookkeeping).LoadVM, (*Bookkeeping).RecordVM, (*Bookkeeping).ReleaseGuestVMID, (*Bookkeeping).MarkVMIDTaken,
		(*Bookkeeping).AcquireCloneSlot, (*Bookkeeping).ReleaseCloneSlot,
		(*Bookkeeping).AllocateContainer, (*Bookkeeping).LoadContainer, (*Bookkeeping).RecordContainer,
		(*Bookkeeping).ReleaseContainer,
		(*Email).QueueEmail, (*Email).SendEmail,
		(*Guacamole).EnsureConnection, (*Guacamole).RevokeConnections, (*Guacamole).DeleteConnections,
		(*Moodle).PlanEventCourse, (*Moodle).CopyEventCourse, (*Moodle).EnsureMoodleUsers, (*Moodle).EnrolMoodleUsers,
		(*Moodle).UnenrolMoodleUsers, (*Moodle).HideMoodleCourse, (*Moodle).DeleteMoodleCourse,
		(*EventTimeline).RecordEventActivity,
		(*Events).LoadEvent, (*Events).SetEventState, (*Events).StoreEventSchedule, (*Events).SnapshotEventEnvironment,
		(*Events).ResolveEventMembers, (*Events).CreateEventVM, (*Events).RecordEventItem,
	},
	QueuePVEClone: {
		(*Proxmox).CloneGuestInSlot, (*Proxmox).CloneGuest, (*Proxmox).DeleteGuest,
		(*Proxmox).EnsureContainerTemplate,
	},
	QueuePVEActions: {
		(*Proxmox).ConfigureGuest, (*Proxmox).EnsureBaseline, (*Proxmox).RollbackBaseline,
		(*Proxmox).PowerGuest, (*Proxmox).GuestIPv4,
		(*Proxmox).CreateContainerGuest, (*Proxmox).PowerContainer, (*Proxmox).WaitContainerIPv4,
		(*Proxmox).ResizeContainer, (*Proxmox).DestroyContainer,
	},
	QueuePVEPeriodic: {
		(*Inventory).ListClusters, (*Inventory).SyncCluster, (*Inventory).ReconcileCluster,
		(*Inventory).RecordSystemEvent, (*Inventory).ImportClusterNodes,
	},
}

// gatewayTable lists the activities every gateway.<site> queue runs.
var gatewayTable = []any{(*Gateway).ApplySiteGateway}

// tableOf returns the activities of queue's table, and false for a queue
// without one.
func tableOf(queue string) ([]any, bool) {
	if IsGatewayQueue(queue) {
		return gatewayTable, true
	}
	fns, ok := queueTable[queue]
	return fns, ok
}

// everyQueue are the activities every queue runs.
var everyQueue = []any{(*System).ProbeWorker}

// queueOf maps an activity name to its queue, built from queueTable.
// Gateway activities map to GatewayQueuePrefix.
var queueOf = func() map[string]string {
	m := map[string]string{}
	tables := maps.Clone(queueTable)
	tables[GatewayQueuePrefix] = gatewayTable
	for q, fns := range tables {
		for _, fn := range fns {
			name := Name(fn)
			if other, dup := m[name]; dup {
				panic(fmt.Sprintf("activity %s is in the tables of queues %s and %s", name, other, q))
			}
			m[name] = q
		}
	}
	return m
}()

// QueueOf returns the queue whose workers run activity (a method value
// such as a.CloneGuest on a nil *Proxmox, as workflows pass it), and false
// for an activity in no queue's table. For a gateway activity it returns
// GatewayQueuePrefix, which no worker polls: the one exception to taking
// the queue from here, a workflow sends it to GatewayQueue(site) of the
// site it works on.
func QueueOf(activity any) (string, bool) {
	q, ok := queueOf[Name(activity)]
	return q, ok
}

// Activities returns the names of the activities queue's workers run, in
// table order, those every queue runs first.
func Activities(queue string) []string {
	var names []string
	fns, _ := tableOf(queue)
	for _, fn := range append(slices.Clone(everyQueue), fns...) {
		names = append(names, Name(fn))
	}
	return names
}

// Set is one worker process's activity structs, each holding its clients.
// A queue's activities need the structs that own them; the others may be nil.
type Set struct {
	System      *System
	Operations  *Operations
	Bookkeeping *Bookkeeping
	Proxmox     *Proxmox
	Inventory   *Inventory
	Gateways    *Gateways      // core: site gateway snapshots and their outcome
	Gateway     *Gateway       // gateway.<site>: applies snapshots on the site's host
	Email       *Email         // core: renders, logs and sends e-mails
	Guacamole   *Guacamole     // core: participants' remote-desktop connections
	Moodle      *Moodle        // core: events' Moodle courses and enrolments
	Timeline    *EventTimeline // core: events' timelines
	Events      *Events        // core: the event lifecycle's bookkeeping
}

// ActivityRegistry is where Register puts activities: a Temporal worker,
// or a test environment.
type ActivityRegistry interface {
	RegisterActivityWithOptions(a any, options activity.RegisterOptions)
}

var _ ActivityRegistry = worker.Worker(nil)

// Register registers on w the activities of queue's table, bound to s's
// structs, and the ones every queue runs. It fails for a queue without a
// table or when s lacks (or has an incomplete) struct the queue needs.
func (s Set) Register(w ActivityRegistry, queue string) error {
	fns, ok := tableOf(queue)
	if !ok {
		return fmt.Errorf("unknown task queue %q; known queues are %s", queue, KnownQueues())
	}
	for _, fn := range append(slices.Clone(everyQueue), fns...) {
		recv, err := s.receiver(reflect.TypeOf(fn).In(0))
		if err != nil {
			return fmt.Errorf("queue %s: %w", queue, err)
		}
		name := Name(fn)
		w.RegisterActivityWithOptions(recv.MethodByName(name).Interface(), activity.RegisterOptions{Name: name})
	}
	return nil
}

// receiver returns the struct of s of type t (a pointer type), checked complete.
func (s Set) receiver(t reflect.Type) (reflect.Value, error) {
	v := reflect.ValueOf(s)
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Type() != t {
			continue
		}
		if f.IsNil() {
			return reflect.Value{}, fmt.Errorf("its activities need a %s", t.Elem().Name())
		}
		if c, ok := f.Interface().(interface{ validate() error }); ok {
			if err := c.validate(); err != nil {
				return reflect.Value{}, err
			}
		}
		return f, nil
	}
	return reflect.Value{}, fmt.Errorf("no activity struct of type %s", t)
}

// Name is the name the Temporal SDK gives an activity function: the last
// element of its Go name, without the "-fm" of a method value.
func Name(fn any) string {
	full := runtime.FuncForPC(reflect.ValueOf(fn).Pointer()).Name()
	return strings.TrimSuffix(full[strings.LastIndexByte(full, '.')+1:], "-fm")
}

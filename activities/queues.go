package activities

import (
	"fmt"
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
	// the guest agent.
	QueuePVEActions = "pve-actions"
	// QueuePVEClone runs clones and deletes: long tasks, concurrency capped
	// per node and storage by clone slots.
	QueuePVEClone = "pve-clone"
	// QueuePVEPeriodic runs the Temporal Schedules' workflows (inventory
	// sync, reconciliation) and node import.
	QueuePVEPeriodic = "pve-periodic"
	// GatewayQueuePrefix + a site's name is the queue of the gateway worker
	// on that site's NGINX and dnsmasq host.
	GatewayQueuePrefix = "gateway."
)

// StandardQueues are the queues one worker image serves unless told otherwise.
var StandardQueues = []string{QueueCore, QueuePVEActions, QueuePVEClone, QueuePVEPeriodic}

// ValidQueue reports whether q is a standard queue or a gateway queue.
func ValidQueue(q string) bool {
	return slices.Contains(StandardQueues, q) || (strings.HasPrefix(q, GatewayQueuePrefix) && len(q) > len(GatewayQueuePrefix))
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
		(*Bookkeeping).ReserveAndPlace, (*Bookkeeping).LoadVM, (*Bookkeeping).RecordVM, (*Bookkeeping).ReleaseGuestVMID,
		(*Bookkeeping).AcquireCloneSlot, (*Bookkeeping).ReleaseCloneSlot,
	},
	QueuePVEClone: {
		(*Proxmox).CloneGuestInSlot, (*Proxmox).CloneGuest, (*Proxmox).DeleteGuest,
	},
	QueuePVEActions: {
		(*Proxmox).ConfigureGuest, (*Proxmox).EnsureBaseline, (*Proxmox).RollbackBaseline,
		(*Proxmox).PowerGuest, (*Proxmox).GuestIPv4,
	},
	QueuePVEPeriodic: {
		(*Inventory).ListClusters, (*Inventory).SyncCluster, (*Inventory).ReconcileCluster,
		(*Inventory).RecordSystemEvent, (*Inventory).ImportClusterNodes,
	},
}

// everyQueue are the activities every queue runs.
var everyQueue = []any{(*System).ProbeWorker}

// queueOf maps an activity name to its queue, built from queueTable.
var queueOf = func() map[string]string {
	m := map[string]string{}
	for q, fns := range queueTable {
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
// for an activity in no queue's table.
func QueueOf(activity any) (string, bool) {
	q, ok := queueOf[Name(activity)]
	return q, ok
}

// Activities returns the names of the activities queue's workers run, in
// table order, those every queue runs first.
func Activities(queue string) []string {
	var names []string
	for _, fn := range append(slices.Clone(everyQueue), queueTable[queue]...) {
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
	fns, ok := queueTable[queue]
	if !ok && !ValidQueue(queue) {
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

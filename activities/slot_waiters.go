package activities

import (
	"container/list"
	"strings"
	"sync"

	"github.com/google/uuid"
)

// SlotWaiters is the queue of this worker process's activities that wait
// for a clone slot (CloneGuestInSlot, and AcquireCloneSlot of older
// workflows). When a slot is released anywhere
// (Released, fed from PostgreSQL's CloneSlotChannel notifications), the
// longest-waiting waiter of that node, and the longest-waiting one of that
// storage, ask again at once instead of on their next poll. Waking one at a
// time keeps a release from turning into a stampede of queries; a waiter
// that gets its slot wakes the next one, so several slots freed together
// are all taken.
//
// Its zero value is not usable; use NewSlotWaiters. It is safe for
// concurrent use.
type SlotWaiters struct {
	mu      sync.Mutex
	queue   *list.List // of *slotWaiter, oldest first
	limit   int
	waiting int
}

// slotWaiter is one waiting activity. wake has room for one signal, so a
// wake is never lost and never blocks; woken says a signal is pending or
// being acted on, so the next release goes to the next waiter.
type slotWaiter struct {
	node    uuid.UUID
	storage string
	wake    chan struct{}
	woken   bool
	elem    *list.Element
}

// DefaultSlotWaiterLimit is how many AcquireCloneSlot activities of one
// process may wait for a clone slot at once; further ones are told SlotBusy
// at once and ask again later (they occupy no worker slot meanwhile).
// CloneGuestInSlot joins whatever the queue's size.
const DefaultSlotWaiterLimit = 256

// NewSlotWaiters returns an empty queue taking at most limit waiters
// (DefaultSlotWaiterLimit when limit <= 0).
func NewSlotWaiters(limit int) *SlotWaiters {
	if limit <= 0 {
		limit = DefaultSlotWaiterLimit
	}
	return &SlotWaiters{queue: list.New(), limit: limit}
}

// join queues a waiter for a slot of node and storage, or returns nil when
// the queue is full (unless always).
func (q *SlotWaiters) join(node uuid.UUID, storage string, always bool) *slotWaiter {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting >= q.limit && !always {
		return nil
	}
	w := &slotWaiter{node: node, storage: storage, wake: make(chan struct{}, 1)}
	w.elem = q.queue.PushBack(w)
	q.waiting++
	return w
}

// leave removes w from the queue; leaving twice is harmless.
func (q *SlotWaiters) leave(w *slotWaiter) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if w.elem != nil {
		q.queue.Remove(w.elem)
		w.elem = nil
		q.waiting--
	}
}

// rearm makes w wakeable again after an attempt that found no free slot.
func (q *SlotWaiters) rearm(w *slotWaiter) {
	q.mu.Lock()
	defer q.mu.Unlock()
	w.woken = false
	select {
	case <-w.wake:
	default:
	}
}

// Released is told that a slot of node and storage was freed, in the
// CloneSlotChannel payload format "<node-id> <storage>"; payloads it
// cannot read wake everyone, which is always safe.
func (q *SlotWaiters) Released(payload string) {
	nodeText, storage, ok := strings.Cut(payload, " ")
	node, err := uuid.Parse(nodeText)
	if !ok || err != nil {
		q.WakeAll()
		return
	}
	q.wakeNext(node, storage)
}

// wakeNext wakes the longest-waiting not yet woken waiter for node, and the
// one for storage if that is another waiter.
func (q *SlotWaiters) wakeNext(node uuid.UUID, storage string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var byNode, byStorage bool
	for e := q.queue.Front(); e != nil && !(byNode && byStorage); e = e.Next() {
		w := e.Value.(*slotWaiter)
		if w.woken {
			continue
		}
		switch {
		case !byNode && w.node == node:
			byNode = true
		case !byStorage && w.storage == storage:
			byStorage = true
		default:
			continue
		}
		w.woken = true
		w.wake <- struct{}{}
	}
}

// WakeAll makes every waiter ask again, as after a lost connection to
// PostgreSQL, when releases may have gone unannounced.
func (q *SlotWaiters) WakeAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for e := q.queue.Front(); e != nil; e = e.Next() {
		w := e.Value.(*slotWaiter)
		if !w.woken {
			w.woken = true
			w.wake <- struct{}{}
		}
	}
}

// Waiting is how many activities wait now, for metrics and tests.
func (q *SlotWaiters) Waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.waiting
}

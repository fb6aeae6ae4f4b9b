package activities

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func woken(w *slotWaiter) bool {
	select {
	case <-w.wake:
		return true
	default:
		return false
	}
}

func TestSlotWaitersWakeTheOldestWaiterOfTheNodeAndOfTheStorage(t *testing.T) {
	q := NewSlotWaiters(0)
	n1, n2 := uuid.New(), uuid.New()
	a := q.join(n1, "lab:local-lvm", false)
	b := q.join(n1, "lab:local-lvm", false)
	c := q.join(n2, "lab:shared", false)
	d := q.join(n2, "lab:shared", false)

	q.Released(n1.String() + " lab:local-lvm")
	require.True(t, woken(a), "the oldest waiter of the node asks again")
	require.True(t, woken(b), "the oldest other waiter of the storage asks again")
	require.False(t, woken(c) || woken(d), "waiters of another node and storage sleep on")

	// a and b are still at it: the next release goes to nobody else of n1.
	q.Released(n1.String() + " lab:local-lvm")
	require.False(t, woken(a) || woken(b))

	// A release on n1 of the shared storage wakes n2's oldest waiter.
	q.Released(n1.String() + " lab:shared")
	require.True(t, woken(c))
	require.False(t, woken(d))

	// After a fruitless attempt a waiter can be woken again, ahead of d.
	q.rearm(c)
	q.Released(n2.String() + " lab:shared")
	require.True(t, woken(c))
	require.True(t, woken(d), "d is the storage's next waiter")

	q.leave(a)
	q.leave(a)
	require.Equal(t, 3, q.Waiting())
	q.rearm(b)
	q.rearm(c)
	q.rearm(d)
	q.Released("not a payload")
	require.True(t, woken(b) && woken(c) && woken(d), "an unreadable payload wakes everyone")
}

func TestSlotWaitersAreBounded(t *testing.T) {
	q := NewSlotWaiters(2)
	n := uuid.New()
	a := q.join(n, "s", false)
	require.NotNil(t, a)
	require.NotNil(t, q.join(n, "s", false))
	require.Nil(t, q.join(n, "s", false), "a full queue turns further waiters away")
	require.NotNil(t, q.join(n, "s", true), "unless the waiter must wait")
	q.leave(a)
	require.Nil(t, q.join(n, "s", false), "the forced waiter still counts")
}

package store_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestEventItemsUpsertAndList(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)
	e := newEvent(ctx, t, db, owner, newEnvironment(ctx, t, db, owner, tpl))
	ann, bob := newUser(ctx, t, db), newUser(ctx, t, db)
	vm := newVM(ctx, t, db, ann, tpl)
	addr := netip.MustParseAddr("10.9.0.7")
	vm.IPv4 = &addr
	vm.State = domain.GuestReady
	require.NoError(t, db.UpdateVM(ctx, vm))

	start := time.Now().Add(-time.Minute)
	annWeb := &domain.EventItem{EventID: e.ID, UserID: ann.ID, Machine: "web", Index: 0, State: domain.ItemProvisioning, LastStep: "clone"}
	bobWeb := &domain.EventItem{EventID: e.ID, UserID: bob.ID, Machine: "web", Index: 0, State: domain.ItemPending}
	require.NoError(t, db.UpsertEventItem(ctx, annWeb))
	require.NoError(t, db.UpsertEventItem(ctx, bobWeb))
	first := annWeb.UpdatedAt
	annWeb.VMID, annWeb.State, annWeb.LastStep = &vm.ID, domain.ItemReady, "wait for IP"
	require.NoError(t, db.UpsertEventItem(ctx, annWeb))
	require.True(t, annWeb.UpdatedAt.After(first), "an upsert refreshes UpdatedAt")
	bobWeb.State, bobWeb.LastError, bobWeb.LastStep = domain.ItemFailed, "storage full", "clone"
	require.NoError(t, db.UpsertEventItem(ctx, bobWeb))

	items, err := db.ListEventItems(ctx, e.ID, nil)
	require.NoError(t, err)
	require.Len(t, items, 2, "one row per participant, machine and index")
	byUser := map[string]domain.EventItem{}
	for _, it := range items {
		byUser[it.UserID.String()] = it
	}
	got := byUser[ann.ID.String()]
	require.Equal(t, domain.ItemReady, got.State)
	require.Equal(t, "10.9.0.7", got.IPv4, "the VM's address comes from the vms table")
	require.Equal(t, domain.GuestReady, got.VMState)
	require.Equal(t, "storage full", byUser[bob.ID.String()].LastError)

	mine, err := db.ListEventItems(ctx, e.ID, &bob.ID)
	require.NoError(t, err)
	require.Len(t, mine, 1)
	require.Empty(t, mine[0].IPv4)

	changes, err := db.ListEventItemChanges(ctx, e.ID, start, 10)
	require.NoError(t, err)
	require.Len(t, changes, 2)
	require.Equal(t, ann.ID, changes[0].UserID, "oldest change first")
	later, err := db.ListEventItemChanges(ctx, e.ID, changes[0].UpdatedAt, 10)
	require.NoError(t, err)
	require.Len(t, later, 1)
	require.Equal(t, bob.ID, later[0].UserID)

	ghost := id()
	requireKind(t, db.UpsertEventItem(ctx, &domain.EventItem{EventID: e.ID, UserID: ghost, Machine: "web", State: domain.ItemPending}),
		domain.KindInvalid, "user "+ghost.String()+" does not exist")
	requireKind(t, db.UpsertEventItem(ctx, &domain.EventItem{EventID: e.ID, UserID: ann.ID, Machine: "web", VMID: &ghost, State: domain.ItemPending}),
		domain.KindInvalid, "VM "+ghost.String()+" does not exist")
	requireKind(t, db.UpsertEventItem(ctx, &domain.EventItem{EventID: e.ID, UserID: ann.ID, Machine: "web", State: "lost"}),
		domain.KindInvalid, "")
}

// TestEventItemAndGroupConstraints trips the checks the domain validation
// normally stops first, and the foreign key that keeps a user with event
// items from being deleted.
func TestEventItemAndGroupConstraints(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	e := newEvent(ctx, t, db, owner, newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)))
	ann := newUser(ctx, t, db)
	g := &domain.Group{Name: "class"}
	require.NoError(t, db.CreateGroup(ctx, g))
	_, err := db.Pool().Exec(ctx, `INSERT INTO event_groups (event_id, group_id, role) VALUES ($1, $2, 'guest')`, e.ID, g.ID)
	err = store.MapErr(err)
	requireKind(t, err, domain.KindInvalid, "")
	requireField(t, err, "role")
	for _, tc := range []struct{ state, field string }{{"lost", "state"}, {"pending", "index"}} {
		index := 0
		if tc.field == "index" {
			index = 10
		}
		_, err := db.Pool().Exec(ctx, `INSERT INTO event_items (event_id, user_id, machine, index, state) VALUES ($1, $2, 'web', $3, $4)`,
			e.ID, ann.ID, index, tc.state)
		err = store.MapErr(err)
		requireKind(t, err, domain.KindInvalid, "")
		requireField(t, err, tc.field)
	}
	require.NoError(t, db.UpsertEventItem(ctx, &domain.EventItem{EventID: e.ID, UserID: ann.ID, Machine: "web", State: domain.ItemFailed}))
	requireKind(t, db.DeleteUser(ctx, ann.ID), domain.KindConflict, "user "+ann.ID.String()+" still has VMs in events")
	require.NoError(t, db.DeleteEvent(ctx, e.ID), "deleting the event deletes its items")
	require.NoError(t, db.DeleteUser(ctx, ann.ID))
}

package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

// TestCloneTimeEstimate: a template without measured clones gets the
// default of its mode; releasing a VM's clone slot records how long it was
// held, and the estimate is the median of those records.
func TestCloneTimeEstimate(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	n := newNode(ctx, t, db, "lab")
	tpl := newTemplate(ctx, t, db, n, 9100)

	for _, linked := range []bool{true, false} {
		got, err := db.CloneTimeEstimate(ctx, tpl.ID, linked)
		require.NoError(t, err)
		require.Equal(t, domain.DefaultCloneTime(linked), got)
	}

	// A clone measured long ago is forgotten at the next release.
	_, err := db.Pool().Exec(ctx, `INSERT INTO clone_times (holder, template_id, linked, node_id, storage, started_at, finished_at)
		VALUES ('vm/old/clone', $1, true, $2, 'local-lvm', now() - interval '100 days 1 hour', now() - interval '100 days')`, tpl.ID, n.ID)
	require.NoError(t, err)

	for _, held := range []int{80, 90, 400} {
		vm := newVM(ctx, t, db, owner, tpl)
		vm.Linked = true
		require.NoError(t, db.UpdateVM(ctx, vm))
		holder := "vm/" + vm.ID.String() + "/clone"
		got, err := db.AcquireCloneSlot(ctx, n.ID, "local-lvm", holder, 4, 4, time.Minute)
		require.NoError(t, err)
		require.True(t, got)
		_, err = db.Pool().Exec(ctx, `UPDATE clone_slots SET acquired_at = now() - make_interval(secs => $2) WHERE holder = $1`, holder, held)
		require.NoError(t, err)
		require.NoError(t, db.ReleaseCloneSlot(ctx, holder))
	}
	// A container's slot is recorded without a template and changes nothing.
	require.NoError(t, must(db.AcquireCloneSlot(ctx, n.ID, "local-lvm", "ct/x/create", 4, 4, time.Minute)))
	require.NoError(t, db.ReleaseCloneSlot(ctx, "ct/x/create"))

	got, err := db.CloneTimeEstimate(ctx, tpl.ID, true)
	require.NoError(t, err)
	require.Equal(t, 90*time.Second, got, "the median of 80 s, 90 s and 400 s, the old hour forgotten")
	got, err = db.CloneTimeEstimate(ctx, tpl.ID, false)
	require.NoError(t, err)
	require.Equal(t, domain.DefaultFullCloneTime, got, "full clones were not measured")
}

// must drops AcquireCloneSlot's answer, keeping its error.
func must(_ bool, err error) error { return err }

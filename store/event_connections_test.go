package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// newPlainEvent is an event of a fresh instructor's environment of one
// template (returned too, for the participants' VMs).
func newPlainEvent(ctx context.Context, t *testing.T, db *store.DB) (*domain.Event, *domain.VMTemplate) {
	t.Helper()
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	tpl := newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)
	return newEvent(ctx, t, db, owner, newEnvironment(ctx, t, db, owner, tpl)), tpl
}

func TestEventConnectionsRecordListAndState(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	e, tpl := newPlainEvent(ctx, t, db)
	ann, bob := newUser(ctx, t, db), newUser(ctx, t, db)
	annVM, bobVM := newVM(ctx, t, db, ann, tpl), newVM(ctx, t, db, bob, tpl)

	annSSH := &domain.EventConnection{EventID: e.ID, UserID: ann.ID, VMID: annVM.ID, TemplatePosition: 0,
		GuacamoleUser: ann.Username, GuacamoleID: "1", Name: "Lab: web (ssh)"}
	require.NoError(t, db.RecordEventConnection(ctx, annSSH))
	require.Equal(t, domain.ConnectionActive, annSSH.State, "an empty state is active")
	require.False(t, annSSH.UpdatedAt.IsZero())
	annRDP := &domain.EventConnection{EventID: e.ID, UserID: ann.ID, VMID: annVM.ID, TemplatePosition: 1,
		GuacamoleUser: ann.Username, GuacamoleID: "2", Name: "Lab: web (rdp)"}
	bobSSH := &domain.EventConnection{EventID: e.ID, UserID: bob.ID, VMID: bobVM.ID, TemplatePosition: 0,
		GuacamoleUser: bob.Username, GuacamoleID: "3", Name: "Lab: web (ssh) bob"}
	require.NoError(t, db.RecordEventConnection(ctx, annRDP))
	require.NoError(t, db.RecordEventConnection(ctx, bobSSH))
	// Recording the same key again replaces the row (a re-created connection).
	annSSH.GuacamoleID = "7"
	require.NoError(t, db.RecordEventConnection(ctx, annSSH))

	all, err := db.ListEventConnections(ctx, e.ID, nil)
	require.NoError(t, err)
	require.Len(t, all, 3)
	mine, err := db.ListEventConnections(ctx, e.ID, &ann.ID)
	require.NoError(t, err)
	require.Len(t, mine, 2)
	require.Equal(t, "7", mine[0].GuacamoleID)
	require.Equal(t, 1, mine[1].TemplatePosition)

	require.NoError(t, db.SetEventConnectionState(ctx, e.ID, annVM.ID, 1, domain.ConnectionRevoked))
	mine, err = db.ListEventConnections(ctx, e.ID, &ann.ID)
	require.NoError(t, err)
	require.Equal(t, domain.ConnectionRevoked, mine[1].State)
	requireKind(t, db.SetEventConnectionState(ctx, e.ID, annVM.ID, 5, domain.ConnectionRevoked), domain.KindNotFound, "")
	requireKind(t, db.SetEventConnectionState(ctx, e.ID, annVM.ID, 0, "lost"), domain.KindInvalid, "")

	ghost := id()
	requireKind(t, db.RecordEventConnection(ctx, &domain.EventConnection{EventID: e.ID, UserID: ghost, VMID: annVM.ID,
		GuacamoleUser: "x", GuacamoleID: "9", Name: "x"}), domain.KindInvalid, "")
	requireKind(t, db.RecordEventConnection(ctx, &domain.EventConnection{EventID: e.ID, UserID: ann.ID, VMID: annVM.ID,
		TemplatePosition: 3, GuacamoleUser: ann.Username, Name: "x"}), domain.KindInvalid, "")
}

func TestEventMoodleCourse(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	e, _ := newPlainEvent(ctx, t, db)

	course, err := db.EventMoodleCourse(ctx, e.ID)
	require.NoError(t, err)
	require.Zero(t, course, "no course before the copy")
	require.NoError(t, db.SetEventMoodleCourse(ctx, e.ID, 42))
	course, err = db.EventMoodleCourse(ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, 42, course)
	require.NoError(t, db.SetEventMoodleCourse(ctx, e.ID, 0))
	course, err = db.EventMoodleCourse(ctx, e.ID)
	require.NoError(t, err)
	require.Zero(t, course, "0 clears it")

	ghost := id()
	requireKind(t, db.SetEventMoodleCourse(ctx, ghost, 1), domain.KindNotFound, "")
	_, err = db.EventMoodleCourse(ctx, ghost)
	requireKind(t, err, domain.KindNotFound, "")
}

package store_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

// TestEventMembersResolveGroups: an event's users are its direct
// participants and its groups' members, each once, instructors winning.
func TestEventMembersResolveGroups(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db, domain.RoleInstructor)
	e := newEvent(ctx, t, db, owner, newEnvironment(ctx, t, db, owner, newTemplate(ctx, t, db, newNode(ctx, t, db, "lab"), 9000)))
	ann, bob, cat, dan := newUser(ctx, t, db), newUser(ctx, t, db), newUser(ctx, t, db), newUser(ctx, t, db)
	class := &domain.Group{Name: "class", MemberIDs: []uuid.UUID{ann.ID, bob.ID, cat.ID}}
	staff := &domain.Group{Name: "staff", MemberIDs: []uuid.UUID{cat.ID}}
	require.NoError(t, db.CreateGroup(ctx, class))
	require.NoError(t, db.CreateGroup(ctx, staff))

	require.NoError(t, db.AddEventGroup(ctx, &domain.EventGroup{EventID: e.ID, GroupID: class.ID, Role: domain.EventRoleParticipant}))
	require.NoError(t, db.AddEventGroup(ctx, &domain.EventGroup{EventID: e.ID, GroupID: staff.ID, Role: domain.EventRoleInstructor}))
	require.NoError(t, db.AddParticipant(ctx, &domain.EventParticipant{EventID: e.ID, UserID: ann.ID, Role: domain.EventRoleParticipant}))
	require.NoError(t, db.AddParticipant(ctx, &domain.EventParticipant{EventID: e.ID, UserID: dan.ID, Role: domain.EventRoleInstructor}))

	members, err := db.EventMembers(ctx, e.ID)
	require.NoError(t, err)
	roles := map[uuid.UUID]string{}
	for _, m := range members {
		roles[m.UserID] = m.Role
	}
	require.Len(t, members, 4, "ann is listed once though she takes part twice")
	require.Equal(t, map[uuid.UUID]string{
		ann.ID: domain.EventRoleParticipant, bob.ID: domain.EventRoleParticipant,
		cat.ID: domain.EventRoleInstructor, dan.ID: domain.EventRoleInstructor,
	}, roles)
	require.Equal(t, ann.Username, members[0].Username, "ordered by username")

	for u, want := range map[uuid.UUID]string{bob.ID: "participant", cat.ID: "instructor", owner.ID: ""} {
		got, err := db.EventRole(ctx, e.ID, u)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	mine, _, err := db.ListEvents(ctx, domain.EventFilter{ParticipantID: &bob.ID})
	require.NoError(t, err)
	require.Len(t, mine, 1, "bob takes part through his group")
	visible, _, err := db.ListEvents(ctx, domain.EventFilter{VisibleTo: &bob.ID})
	require.NoError(t, err)
	require.Len(t, visible, 1)

	require.NoError(t, db.RemoveGroupMember(ctx, class.ID, bob.ID))
	role, err := db.EventRole(ctx, e.ID, bob.ID)
	require.NoError(t, err)
	require.Empty(t, role, "membership is resolved when asked")

	groups, err := db.ListEventGroups(ctx, e.ID)
	require.NoError(t, err)
	require.Len(t, groups, 2)
	require.NoError(t, db.AddEventGroup(ctx, &domain.EventGroup{EventID: e.ID, GroupID: class.ID, Role: domain.EventRoleInstructor}),
		"adding again changes the role")
	role, err = db.EventRole(ctx, e.ID, ann.ID)
	require.NoError(t, err)
	require.Equal(t, domain.EventRoleInstructor, role)

	requireKind(t, db.DeleteGroup(ctx, staff.ID), domain.KindConflict, "group "+staff.ID.String()+" still takes part in events")
	require.NoError(t, db.RemoveEventGroup(ctx, e.ID, staff.ID))
	requireKind(t, db.RemoveEventGroup(ctx, e.ID, staff.ID), domain.KindNotFound,
		"group "+staff.ID.String()+" does not take part in event "+e.ID.String())
	require.NoError(t, db.DeleteGroup(ctx, staff.ID))

	ghost := id()
	requireKind(t, db.AddEventGroup(ctx, &domain.EventGroup{EventID: e.ID, GroupID: ghost, Role: "participant"}),
		domain.KindInvalid, "group "+ghost.String()+" does not exist")
	requireKind(t, db.AddEventGroup(ctx, &domain.EventGroup{EventID: ghost, GroupID: class.ID, Role: "participant"}),
		domain.KindInvalid, "event "+ghost.String()+" does not exist")
	requireKind(t, db.AddEventGroup(ctx, &domain.EventGroup{EventID: e.ID, GroupID: class.ID, Role: "guest"}), domain.KindInvalid, "")
	_, err = db.EventMembers(ctx, ghost)
	requireKind(t, err, domain.KindNotFound, "event "+ghost.String()+" not found")
	_, err = db.ListEventGroups(ctx, ghost)
	requireKind(t, err, domain.KindNotFound, "")
}

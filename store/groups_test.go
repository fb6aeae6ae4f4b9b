package store_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func sortedIDs(ids ...uuid.UUID) []uuid.UUID {
	return slices.SortedFunc(slices.Values(ids), func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
}

func TestGroupRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	a, b, c := newUser(ctx, t, db), newUser(ctx, t, db), newUser(ctx, t, db)

	g := &domain.Group{Name: "Class 3B", Description: "networking", MemberIDs: []uuid.UUID{a.ID, b.ID}}
	require.NoError(t, db.CreateGroup(ctx, g))
	got, err := db.FindGroup(ctx, g.ID)
	require.NoError(t, err)
	require.Equal(t, "Class 3B", got.Name)
	require.Equal(t, sortedIDs(a.ID, b.ID), got.MemberIDs)

	got.MemberIDs = []uuid.UUID{b.ID, c.ID}
	got.Description = "routing"
	require.NoError(t, db.UpdateGroup(ctx, got))
	require.NoError(t, db.AddGroupMember(ctx, g.ID, a.ID))
	require.NoError(t, db.AddGroupMember(ctx, g.ID, a.ID), "adding a member twice is fine")
	require.NoError(t, db.RemoveGroupMember(ctx, g.ID, b.ID))
	requireKind(t, db.RemoveGroupMember(ctx, g.ID, b.ID), domain.KindNotFound, "")
	got, err = db.FindGroup(ctx, g.ID)
	require.NoError(t, err)
	require.Equal(t, sortedIDs(a.ID, c.ID), got.MemberIDs)
	require.Equal(t, "routing", got.Description)

	requireKind(t, db.CreateGroup(ctx, &domain.Group{Name: "Class 3B"}), domain.KindConflict, `group name "Class 3B" is already taken`)
	ghost := id()
	requireKind(t, db.AddGroupMember(ctx, g.ID, ghost), domain.KindInvalid, "user "+ghost.String()+" does not exist")
	requireKind(t, db.AddGroupMember(ctx, ghost, a.ID), domain.KindInvalid, "group "+ghost.String()+" does not exist")

	require.NoError(t, db.CreateGroup(ctx, &domain.Group{Name: "Alpha"}))
	list, next, err := db.ListGroups(ctx, domain.Page{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, "Alpha", list[0].Name)
	require.Empty(t, list[0].MemberIDs)
	list, next, err = db.ListGroups(ctx, domain.Page{Limit: 1, Cursor: next})
	require.NoError(t, err)
	require.Equal(t, "Class 3B", list[0].Name)
	require.Empty(t, next)

	require.NoError(t, db.DeleteGroup(ctx, g.ID))
	_, err = db.FindGroup(ctx, g.ID)
	requireKind(t, err, domain.KindNotFound, "group "+g.ID.String()+" not found")
}

package store_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestCollaboratorsSeeAndOperateButDoNotOwn(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner, friend, stranger := newUser(ctx, t, db), newUser(ctx, t, db), newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.62.0.0/24", "10.62.0.10", "10.62.0.20")
	c := newContainerShape(owner, site, "shared")
	_, err := db.CreateContainerWithOwner(ctx, c, nil)
	require.NoError(t, err)
	mine := newContainerShape(stranger, site, "private")
	_, err = db.CreateContainerWithOwner(ctx, mine, nil)
	require.NoError(t, err)

	require.NoError(t, db.AddCollaborator(ctx, c.ID, friend.ID))
	require.NoError(t, db.AddCollaborator(ctx, c.ID, friend.ID), "adding again changes nothing")
	requireKind(t, db.AddCollaborator(ctx, c.ID, owner.ID), domain.KindInvalid, "")
	err = db.AddCollaborator(ctx, c.ID, id())
	requireKind(t, err, domain.KindInvalid, "")
	require.Contains(t, domain.FieldsOf(err), "user_id")
	requireKind(t, db.AddCollaborator(ctx, id(), friend.ID), domain.KindNotFound, "")

	list, err := db.ListCollaborators(ctx, c.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, friend.ID, list[0].UserID)
	require.Equal(t, friend.Username, list[0].Username)

	subject := domain.Subject{UserID: friend.ID, Roles: friend.Roles}
	ref := domain.Ref(domain.ObjectContainer, c.ID)
	perms, err := db.PermissionsFor(ctx, subject, ref)
	require.NoError(t, err)
	for _, k := range []domain.Key{domain.KeyRead, domain.KeyUpdate, domain.KeyContainerStart, domain.KeyContainerStop, domain.KeyContainerRestart} {
		require.NoError(t, domain.Authorize(subject, perms, ref, k), k)
	}
	for _, k := range []domain.Key{domain.KeyDelete, domain.KeyFull} {
		requireKind(t, domain.Authorize(subject, perms, ref, k), domain.KindForbidden, "")
	}

	visible := func(u *domain.User) []uuid.UUID {
		t.Helper()
		cs, _, err := db.ListContainers(ctx, domain.ContainerFilter{VisibleTo: &u.ID, SiteID: &site.ID})
		require.NoError(t, err)
		var ids []uuid.UUID
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return ids
	}
	require.Equal(t, []uuid.UUID{c.ID}, visible(owner))
	require.Equal(t, []uuid.UUID{c.ID}, visible(friend))
	require.Equal(t, []uuid.UUID{mine.ID}, visible(stranger))

	require.NoError(t, db.RemoveCollaborator(ctx, c.ID, friend.ID))
	requireKind(t, db.RemoveCollaborator(ctx, c.ID, friend.ID), domain.KindNotFound, "")
	requireKind(t, db.RemoveCollaborator(ctx, c.ID, owner.ID), domain.KindInvalid, "")
	require.Empty(t, visible(friend))
	list, err = db.ListCollaborators(ctx, c.ID)
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestListContainersByStatus(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)
	site := newSite(ctx, t, db, "10.63.0.0/24", "10.63.0.10", "10.63.0.20")
	byStatus := map[domain.ContainerStatus]uuid.UUID{}
	for _, tc := range []struct {
		state domain.GuestState
		power domain.PowerState
	}{
		{domain.GuestProvisioning, domain.PowerUnknown}, {domain.GuestReady, domain.PowerRunning},
		{domain.GuestReady, domain.PowerPaused}, {domain.GuestFailed, domain.PowerUnknown},
		{domain.GuestMissing, domain.PowerUnknown}, {domain.GuestDeleted, domain.PowerStopped},
	} {
		c := newContainer(ctx, t, db, owner, site)
		c.State, c.Power = tc.state, tc.power
		require.NoError(t, db.UpdateContainer(ctx, c))
		byStatus[c.Status()] = c.ID
	}
	require.Len(t, byStatus, 6)
	for st, want := range byStatus {
		got, _, err := db.ListContainers(ctx, domain.ContainerFilter{SiteID: &site.ID, Status: st})
		require.NoError(t, err)
		require.Len(t, got, 1, st)
		require.Equal(t, want, got[0].ID, st)
	}
}

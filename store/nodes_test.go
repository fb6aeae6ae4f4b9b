package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestNodeRoundTripSealsTheSecret(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	keys := storetest.Keyring(t)
	opened := func(n *domain.Node) string {
		t.Helper()
		require.Empty(t, n.TokenSecret, "nodes carry no plain secret")
		require.NotNil(t, n.SealedToken)
		require.Equal(t, storetest.KeyID, n.SealedToken.KeyID)
		plain, err := keys.Open(n.SealedToken)
		require.NoError(t, err)
		return plain
	}

	n := newNode(ctx, t, db, "lab")
	require.Equal(t, domain.NodeUnknown, n.Status)
	require.Equal(t, "s3cret", opened(n), "CreateNode seals the secret it stored into the node")
	got, err := db.FindNode(ctx, n.ID)
	require.NoError(t, err)
	require.Equal(t, "s3cret", opened(got), "workers open the secret to build clients")
	require.Equal(t, []string{"local-lvm"}, got.Storages)
	require.Nil(t, got.SyncedAt)
	requireNoPlainTokens(ctx, t, db, "s3cret")

	got.SealedToken = nil
	got.CloneConcurrency = 4
	got.Storages = []string{"local-lvm", "ceph"}
	require.NoError(t, db.UpdateNode(ctx, got))
	require.Equal(t, "s3cret", opened(got), "no secret keeps the stored one")
	got.TokenSecret = "rotated"
	require.NoError(t, db.UpdateNode(ctx, got))
	requireNoPlainTokens(ctx, t, db, "rotated")

	seen := time.Now().Truncate(time.Microsecond)
	obs := &domain.Node{ID: n.ID, Status: domain.NodeOnline, MaxCPU: 32, MaxMemoryBytes: 128 << 30, UsedMemoryBytes: 1 << 30, SyncedAt: &seen}
	require.NoError(t, db.UpdateNodeStatus(ctx, obs))

	again, err := db.FindNodeByName(ctx, "lab", n.Name)
	require.NoError(t, err)
	require.Equal(t, "rotated", opened(again))
	require.Equal(t, 4, again.CloneConcurrency)
	require.Equal(t, []string{"local-lvm", "ceph"}, again.Storages)
	require.Equal(t, domain.NodeOnline, again.Status)
	require.Equal(t, int64(128<<30), again.MaxMemoryBytes)
	require.True(t, seen.Equal(*again.SyncedAt))

	dup := *n
	dup.ID = [16]byte{}
	requireKind(t, db.CreateNode(ctx, &dup), domain.KindConflict, `node "`+n.Name+`" already exists in cluster "lab"`)
	_, err = db.FindNodeByName(ctx, "lab", "pve-none")
	requireKind(t, err, domain.KindNotFound, `node "pve-none" in cluster "lab" not found`)

	newNode(ctx, t, db, "alpha")
	list, next, err := db.ListNodes(ctx, domain.Page{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, "alpha", list[0].Cluster)
	list, _, err = db.ListNodes(ctx, domain.Page{Limit: 1, Cursor: next})
	require.NoError(t, err)
	require.Equal(t, "lab", list[0].Cluster)

	require.NoError(t, db.DeleteNode(ctx, n.ID))
	_, err = db.FindNode(ctx, n.ID)
	requireKind(t, err, domain.KindNotFound, "node "+n.ID.String()+" not found")
}

func TestDeleteNodeWhoseTemplateIsUsedIsConflict(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	n := newNode(ctx, t, db, "lab")
	tpl := newTemplate(ctx, t, db, n, 9000)
	newEnvironment(ctx, t, db, newUser(ctx, t, db), tpl)

	requireKind(t, db.DeleteNode(ctx, n.ID), domain.KindConflict, "template "+tpl.ID.String()+" is still used by an environment")
}

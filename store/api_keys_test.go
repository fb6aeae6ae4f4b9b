package store_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestAPIKeyLifecycle(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	owner := newUser(ctx, t, db)

	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Microsecond)
	k := &domain.APIKey{OwnerID: owner.ID, Name: "ci", Prefix: unique("p"), SecretHash: []byte("hash"), ReadOnly: true, ExpiresAt: &exp}
	require.NoError(t, db.CreateAPIKey(ctx, k))
	require.NotZero(t, k.ID)

	got, err := db.FindAPIKeyByPrefix(ctx, k.Prefix)
	require.NoError(t, err)
	require.Equal(t, k.ID, got.ID)
	require.Equal(t, owner.ID, got.OwnerID)
	require.Equal(t, []byte("hash"), got.SecretHash)
	require.True(t, got.ReadOnly)
	require.True(t, exp.Equal(*got.ExpiresAt))
	require.Nil(t, got.LastUsedAt)

	dup := &domain.APIKey{OwnerID: owner.ID, Name: "dup", Prefix: k.Prefix, SecretHash: []byte("x")}
	requireKind(t, db.CreateAPIKey(ctx, dup), domain.KindConflict, "")
	past := time.Now().Add(-time.Minute)
	requireField(t, db.CreateAPIKey(ctx, &domain.APIKey{OwnerID: owner.ID, Name: " ", Prefix: unique("p"), ExpiresAt: &past}), "expires_at")

	// The first use is recorded; the next within a minute writes nothing.
	require.NoError(t, db.TouchAPIKey(ctx, k.ID))
	first, err := db.FindAPIKey(ctx, k.ID)
	require.NoError(t, err)
	require.NotNil(t, first.LastUsedAt)
	require.NoError(t, db.TouchAPIKey(ctx, k.ID))
	second, err := db.FindAPIKey(ctx, k.ID)
	require.NoError(t, err)
	require.True(t, first.LastUsedAt.Equal(*second.LastUsedAt))

	other := &domain.APIKey{OwnerID: owner.ID, Name: "other", Prefix: unique("p"), SecretHash: []byte("y")}
	require.NoError(t, db.CreateAPIKey(ctx, other))
	page1, next, err := db.ListAPIKeys(ctx, owner.ID, domain.Page{Limit: 1})
	require.NoError(t, err)
	require.Len(t, page1, 1)
	require.Equal(t, other.ID, page1[0].ID, "newest first")
	page2, next2, err := db.ListAPIKeys(ctx, owner.ID, domain.Page{Limit: 1, Cursor: next})
	require.NoError(t, err)
	require.Equal(t, k.ID, page2[0].ID)
	require.Empty(t, next2)

	revoked, err := db.RevokeAPIKey(ctx, k.ID)
	require.NoError(t, err)
	require.NotNil(t, revoked.RevokedAt)
	_, err = db.RevokeAPIKey(ctx, k.ID)
	requireKind(t, err, domain.KindNotFound, "")
	still, err := db.FindAPIKeyByPrefix(ctx, k.Prefix)
	require.NoError(t, err, "a revoked key is kept, to say why it is refused")
	require.NotNil(t, still.RevokedAt)
	left, _, err := db.ListAPIKeys(ctx, owner.ID, domain.Page{})
	require.NoError(t, err)
	require.Len(t, left, 1)
	require.Equal(t, other.ID, left[0].ID)

	// Deleting the owner deletes their keys.
	require.NoError(t, db.DeleteUser(ctx, owner.ID))
	_, err = db.FindAPIKey(ctx, other.ID)
	requireKind(t, err, domain.KindNotFound, "")
}

package store_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestInTxCommitsOrRollsBackTogether(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	boom := errors.New("boom")

	var kept, dropped, inner *domain.User
	require.NoError(t, db.InTx(ctx, func(tx *store.DB) error {
		kept = newUser(ctx, t, tx)
		// A nested InTx is a savepoint: its failure undoes only its own work.
		err := tx.InTx(ctx, func(sp *store.DB) error {
			inner = newUser(ctx, t, sp)
			return boom
		})
		require.ErrorIs(t, err, boom)
		return nil
	}))
	err := db.InTx(ctx, func(tx *store.DB) error {
		dropped = newUser(ctx, t, tx)
		return boom
	})
	require.ErrorIs(t, err, boom, "fn's error comes back unchanged")

	_, err = db.FindUserByID(ctx, kept.ID)
	require.NoError(t, err)
	_, err = db.FindUserByID(ctx, inner.ID)
	requireKind(t, err, domain.KindNotFound, "")
	_, err = db.FindUserByID(ctx, dropped.ID)
	requireKind(t, err, domain.KindNotFound, "")
}

func TestPing(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	require.NoError(t, db.Ping(testContext(t)))
}

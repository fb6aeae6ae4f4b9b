package store_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store/storetest"
)

func TestIdempotencyKeyLifecycle(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	ada, bob := newUser(ctx, t, db), newUser(ctx, t, db)

	resp, err := db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "f1")
	require.NoError(t, err)
	require.Nil(t, resp, "the first request holds the key")

	_, err = db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "f1")
	requireKind(t, err, domain.KindConflict, "a request with this Idempotency-Key is in progress")
	_, err = db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "f2")
	requireKind(t, err, domain.KindUnprocessable, "")

	other, err := db.ClaimIdempotencyKey(ctx, bob.ID, "k1", "f2")
	require.NoError(t, err)
	require.Nil(t, other, "keys are per user")

	want := domain.IdempotentResponse{Status: 202, Location: "/api/v1/operations/x", Body: []byte(`{"id":"x"}`)}
	require.NoError(t, db.CompleteIdempotencyKey(ctx, ada.ID, "k1", want))
	resp, err = db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "f1")
	require.NoError(t, err)
	require.Equal(t, &want, resp)
	_, err = db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "f2")
	requireKind(t, err, domain.KindUnprocessable, "")

	// A released key may be sent again; releasing an answered one does nothing.
	require.NoError(t, db.ReleaseIdempotencyKey(ctx, bob.ID, "k1"))
	again, err := db.ClaimIdempotencyKey(ctx, bob.ID, "k1", "f3")
	require.NoError(t, err)
	require.Nil(t, again)
	require.NoError(t, db.ReleaseIdempotencyKey(ctx, ada.ID, "k1"))
	resp, err = db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "f1")
	require.NoError(t, err)
	require.Equal(t, &want, resp)

	// Expired and abandoned rows are taken over.
	_, err = db.Pool().Exec(ctx, `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = $1`, ada.ID)
	require.NoError(t, err)
	resp, err = db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "f9")
	require.NoError(t, err)
	require.Nil(t, resp, "an expired key is forgotten")
	_, err = db.Pool().Exec(ctx, `UPDATE idempotency_keys SET created_at = now() - interval '3 minutes' WHERE user_id = $1`, ada.ID)
	require.NoError(t, err)
	_, err = db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "other")
	requireKind(t, err, domain.KindUnprocessable, "")
	resp, err = db.ClaimIdempotencyKey(ctx, ada.ID, "k1", "f9")
	require.NoError(t, err)
	require.Nil(t, resp, "an abandoned marker of the same request is taken over")
}

// TestIdempotencyKeyConcurrentClaims sends the same key many times at
// once: exactly one claim holds it.
func TestIdempotencyKeyConcurrentClaims(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	u := newUser(ctx, t, db)

	const n = 8
	var wg sync.WaitGroup
	results := make([]error, n)
	held := make([]bool, n)
	for i := range n {
		wg.Go(func() {
			resp, err := db.ClaimIdempotencyKey(ctx, u.ID, "same", "f")
			results[i], held[i] = err, err == nil && resp == nil
		})
	}
	wg.Wait()
	holders := 0
	for i := range n {
		if held[i] {
			holders++
			continue
		}
		requireKind(t, results[i], domain.KindConflict, "")
	}
	require.Equal(t, 1, holders)
}

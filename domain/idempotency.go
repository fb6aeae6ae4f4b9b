package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// IdempotencyWindow is how long an Idempotency-Key is remembered: the
// same key from the same user within it returns the first answer.
const IdempotencyWindow = 24 * time.Hour

// IdempotencyStaleAfter is how long a request may hold its key in
// progress. A marker older than that was left by an API process that
// stopped mid-request; the next request with the same key and body takes
// it over rather than waiting out the whole window.
const IdempotencyStaleAfter = 2 * time.Minute

// IdempotentResponse is the first answer to a request with an
// Idempotency-Key, sent again to its repetitions.
type IdempotentResponse struct {
	Status   int
	Location string
	Body     []byte
}

// IdempotencyStore remembers Idempotency-Keys and their answers, per user.
type IdempotencyStore interface {
	// ClaimIdempotencyKey marks key as in progress for user and a request
	// whose fingerprint (a hash of method, path and body) is given. It
	// returns (nil, nil) when the caller now holds the key and must answer
	// the request, then call CompleteIdempotencyKey or
	// ReleaseIdempotencyKey; the stored answer when the same request was
	// answered within IdempotencyWindow; KindUnprocessable when the key
	// was used for a different request; and KindConflict while the same
	// request is still in progress.
	ClaimIdempotencyKey(ctx context.Context, user uuid.UUID, key, fingerprint string) (*IdempotentResponse, error)
	// CompleteIdempotencyKey stores the answer of the request holding key.
	CompleteIdempotencyKey(ctx context.Context, user uuid.UUID, key string, resp IdempotentResponse) error
	// ReleaseIdempotencyKey forgets key, so that the request may be sent
	// again with it: for answers that started nothing.
	ReleaseIdempotencyKey(ctx context.Context, user uuid.UUID, key string) error
}

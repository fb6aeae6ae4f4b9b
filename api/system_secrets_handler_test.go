package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// TestHandlerRotateSecrets: only an administrator rotates the stored
// secrets; the answer and the audit record carry the counts; a store
// without a key is 503.
func TestHandlerRotateSecrets(t *testing.T) {
	t.Parallel()
	rotation := &domain.SecretRotation{KeyID: "k2", Tables: []domain.SecretCounts{
		{Table: "nodes", Current: 1, Resealed: 2, Sealed: 1, Unreadable: 1},
		{Table: "environment_connections", Resealed: 3},
		{Table: "events.environment_snapshot"},
	}, Unreadable: []domain.UnreadableSecret{{Table: "nodes", Row: "n1", KeyID: "gone", Reason: "its key is not configured"}}}
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		err    error
		status int
	}{
		{"participant", participant, nil, http.StatusForbidden},
		{"instructor", instructor, nil, http.StatusForbidden},
		{"admin", admin, nil, http.StatusOK},
		{"admin without a key", admin, domain.Errorf(domain.KindUnavailable, "no key"), http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			calls := 0
			h.storedSecrets.RotateSecretsFn = func(context.Context) (*domain.SecretRotation, error) {
				calls++
				if tc.err != nil {
					return nil, tc.err
				}
				return rotation, nil
			}
			r := h.do(tc.as(h), "POST", "/api/v1/system/secrets/rotate", nil)
			require.Equal(t, tc.status, r.status, string(r.body))
			if tc.status == http.StatusForbidden {
				require.Zero(t, calls, "a refused caller rotates nothing")
				return
			}
			if tc.status != http.StatusOK {
				require.Empty(t, h.auditActions())
				return
			}
			var got domain.SecretRotation
			r.json(t, &got)
			require.Equal(t, *rotation, got)
			recs := h.auditRecords()
			require.Len(t, recs, 1)
			require.Equal(t, "system.secrets.rotate", recs[0].Action)
			require.Equal(t, "k2", recs[0].After["key_id"])
		})
	}
}

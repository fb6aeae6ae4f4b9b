package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/sim/pvesim"
)

// TestAPIKeysEndToEnd has an instructor script the API with API keys on
// the real stack: a key creates a VM, twice with the same Idempotency-Key
// and so once; a read-only key lists but may not create; a revoked key is
// refused.
func TestAPIKeysEndToEnd(t *testing.T) {
	t.Parallel()
	l := newVMLab(t, pvesim.Durations{})
	s := l.s

	create := func(body map[string]any) api.CreatedAPIKey {
		t.Helper()
		r := s.Do(t, "POST", "/api/v1/api-keys", l.instructor, body)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var k api.CreatedAPIKey
		r.JSON(t, &k)
		require.True(t, strings.HasPrefix(k.Key, "lf_"))
		return k
	}
	full := create(map[string]any{"name": "pipeline"})
	reader := create(map[string]any{"name": "dashboard", "read_only": true})

	createVM := func(key, idempotencyKey string) *apptest.Response {
		t.Helper()
		req, err := http.NewRequest("POST", s.URL+"/api/v1/vms", apptest.RequestBody(t, map[string]any{
			"name": "scripted", "template_id": l.template.ID,
		}))
		require.NoError(t, err)
		apptest.PrepareRequest(req, key)
		if idempotencyKey != "" {
			req.Header.Set(api.IdempotencyKeyHeader, idempotencyKey)
		}
		return s.Send(t, req)
	}

	var location string
	apptest.Step(t, "the same Idempotency-Key twice creates one VM", func(t *testing.T) {
		idem := uuid.NewString()
		first := createVM(full.Key, idem)
		require.Equal(t, http.StatusAccepted, first.Status, string(first.Body))
		again := createVM(full.Key, idem)
		require.Equal(t, http.StatusAccepted, again.Status, string(again.Body))
		require.JSONEq(t, string(first.Body), string(again.Body))
		require.Equal(t, "true", again.Header.Get(api.IdempotentReplayedHeader))
		location = first.Header.Get("Location")
		require.Equal(t, location, again.Header.Get("Location"))

		op := s.AwaitOperation(t, full.Key, location)
		require.Equal(t, domain.OpCompleted, op.State, op.Error)
		var vms struct{ Items []domain.VM }
		r := s.Do(t, "GET", "/api/v1/vms", full.Key, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &vms)
		require.Len(t, vms.Items, 1, "one VM for two requests")
		require.Equal(t, domain.GuestReady, vms.Items[0].State)

		other := createVM(full.Key, idem)
		require.Equal(t, http.StatusAccepted, other.Status, "the same body again is the same request")
		changed, err := http.NewRequest("POST", s.URL+"/api/v1/vms", apptest.RequestBody(t, map[string]any{"name": "another", "template_id": l.template.ID}))
		require.NoError(t, err)
		apptest.PrepareRequest(changed, full.Key)
		changed.Header.Set(api.IdempotencyKeyHeader, idem)
		r = s.Send(t, changed)
		require.Equal(t, http.StatusUnprocessableEntity, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "Idempotency-Key")
	})

	apptest.Step(t, "a read-only key reads but does not create", func(t *testing.T) {
		var vms struct{ Items []domain.VM }
		r := s.Do(t, "GET", "/api/v1/vms", reader.Key, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &vms)
		require.Len(t, vms.Items, 1)
		r = createVM(reader.Key, "")
		require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "read-only")
	})

	apptest.Step(t, "concurrent duplicates start one VM", func(t *testing.T) {
		idem := uuid.NewString()
		const n = 6
		replies := make([]*apptest.Response, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { replies[i] = createVM(full.Key, idem) })
		}
		wg.Wait()
		var accepted []*apptest.Response
		for _, r := range replies {
			switch r.Status {
			case http.StatusAccepted:
				accepted = append(accepted, r)
			case http.StatusConflict:
				require.Contains(t, string(r.Body), "a request with this Idempotency-Key is in progress")
			default:
				t.Fatalf("a duplicate answered %d: %s", r.Status, r.Body)
			}
		}
		require.NotEmpty(t, accepted)
		for _, r := range accepted[1:] {
			require.JSONEq(t, string(accepted[0].Body), string(r.Body), "every 202 is the one answer")
		}
		var vms struct{ Items []domain.VM }
		s.Do(t, "GET", "/api/v1/vms", full.Key, nil).JSON(t, &vms)
		require.Len(t, vms.Items, 2, "the first VM and one more")
		op := s.AwaitOperation(t, full.Key, accepted[0].Header.Get("Location"))
		require.Equal(t, domain.OpCompleted, op.State, op.Error)
	})

	apptest.Step(t, "keys are listed with their last use, never their secret", func(t *testing.T) {
		r := s.Do(t, "GET", "/api/v1/api-keys", l.instructor, nil)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		require.NotContains(t, string(r.Body), full.Key)
		var keys struct{ Items []domain.APIKey }
		r.JSON(t, &keys)
		require.Len(t, keys.Items, 2)
		for _, k := range keys.Items {
			require.NotNil(t, k.LastUsedAt, "key %s was used", k.Name)
		}
	})

	apptest.Step(t, "a revoked key is refused", func(t *testing.T) {
		r := s.Do(t, "DELETE", "/api/v1/api-keys/"+full.ID.String(), l.instructor, nil)
		require.Equal(t, http.StatusNoContent, r.Status, string(r.Body))
		r = s.Do(t, "GET", "/api/v1/vms", full.Key, nil)
		require.Equal(t, http.StatusUnauthorized, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), "revoked")
		require.Equal(t, http.StatusOK, s.Do(t, "GET", "/api/v1/vms", reader.Key, nil).Status, "other keys still work")
	})
}

package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
)

// createKey makes an API key as c and returns it with its secret.
func (h *fakeAPI) createKey(c *caller, body map[string]any) api.CreatedAPIKey {
	h.t.Helper()
	r := h.do(c, "POST", "/api/v1/api-keys", body)
	require.Equal(h.t, http.StatusCreated, r.status, string(r.body))
	var k api.CreatedAPIKey
	r.json(h.t, &k)
	return k
}

// keyCaller is a caller that authenticates with an API key.
func keyCaller(c *caller, key string) *caller { return &caller{user: c.user, token: key} }

// TestHandlerAPIKeys creates, uses, lists and revokes API keys.
func TestHandlerAPIKeys(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)

	k := h.createKey(h.instructor, map[string]any{"name": "ci"})
	require.True(t, strings.HasPrefix(k.Key, "lf_"+k.Prefix+"_"), k.Key)
	require.Equal(t, h.instructor.ID(), k.OwnerID)
	require.Nil(t, k.LastUsedAt)
	recs := h.auditRecords()
	require.Equal(t, "api_key.create", recs[len(recs)-1].Action)
	require.Equal(t, domain.ObjectAPIKey, recs[len(recs)-1].ObjectType)
	secret := k.Key[len("lf_"+k.Prefix+"_"):]
	for _, rec := range recs {
		require.NotContains(t, rec.After, "key")
		require.NotContains(t, rec.After, "secret_hash")
	}

	bykey := keyCaller(h.instructor, k.Key)
	var me domain.User
	me.ID = h.participant.ID()
	h.do(bykey, "GET", "/api/v1/me", nil).json(t, &me)
	require.Equal(t, h.instructor.ID(), me.ID, "the key acts as its owner")

	var list struct{ Items []domain.APIKey }
	r := h.do(h.instructor, "GET", "/api/v1/api-keys", nil)
	require.Equal(t, http.StatusOK, r.status)
	require.NotContains(t, string(r.body), secret, "lists never hold the secret")
	r.json(t, &list)
	require.Len(t, list.Items, 1)
	require.NotNil(t, list.Items[0].LastUsedAt, "the use was recorded")

	e := h.do(bykey, "POST", "/api/v1/api-keys", map[string]any{"name": "more"}).requireError(t, http.StatusForbidden, domain.KindForbidden)
	require.Contains(t, e.Message, "API keys cannot create API keys")

	// Others see nothing of the key; an administrator sees and revokes it.
	h.do(h.participant, "GET", "/api/v1/api-keys?user="+h.instructor.ID().String(), nil).json(t, &list)
	require.Empty(t, list.Items)
	h.do(h.participant, "DELETE", "/api/v1/api-keys/"+k.ID.String(), nil).requireStatus(t, http.StatusNotFound)
	h.do(h.admin, "GET", "/api/v1/api-keys?user="+h.instructor.ID().String(), nil).json(t, &list)
	require.Len(t, list.Items, 1)
	h.do(h.admin, "DELETE", "/api/v1/api-keys/"+k.ID.String(), nil).requireStatus(t, http.StatusNoContent)
	require.Equal(t, "api_key.revoke", h.auditActions()[len(h.auditActions())-1])

	e = h.do(bykey, "GET", "/api/v1/me", nil).requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
	require.Contains(t, e.Message, "was revoked")
	h.do(h.instructor, "DELETE", "/api/v1/api-keys/"+k.ID.String(), nil).requireStatus(t, http.StatusNotFound)
	h.do(h.instructor, "GET", "/api/v1/api-keys", nil).json(t, &list)
	require.Empty(t, list.Items)
}

// TestHandlerAPIKeyRefusals covers the keys that do not get in, or not
// everywhere.
func TestHandlerAPIKeyRefusals(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)

	ro := h.createKey(h.instructor, map[string]any{"name": "dashboards", "read_only": true})
	require.True(t, ro.ReadOnly)
	reader := keyCaller(h.instructor, ro.Key)
	h.do(reader, "GET", "/api/v1/me", nil).requireStatus(t, http.StatusOK)
	e := h.do(reader, "POST", "/api/v1/vms", map[string]any{"name": "x"}).requireError(t, http.StatusForbidden, domain.KindForbidden)
	require.Contains(t, e.Message, "read-only")

	for _, bad := range []string{"lf_nonsense", ro.Key[:len(ro.Key)-1] + "0", "lf_000000000000_" + strings.Repeat("0", 64)} {
		if bad == ro.Key {
			continue
		}
		e := h.do(keyCaller(h.instructor, bad), "GET", "/api/v1/me", nil).requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
		require.Contains(t, e.Message, "API key is not valid")
	}

	soon := time.Now().Add(time.Hour)
	exp := h.createKey(h.participant, map[string]any{"name": "short", "expires_at": soon})
	h.do(keyCaller(h.participant, exp.Key), "GET", "/api/v1/me", nil).requireStatus(t, http.StatusOK)
	find := h.apiKeys.FindAPIKeyByPrefixFn
	h.apiKeys.FindAPIKeyByPrefixFn = func(ctx context.Context, prefix string) (*domain.APIKey, error) {
		k, err := find(ctx, prefix)
		if err == nil && k.ID == exp.ID {
			past := time.Now().Add(-time.Minute)
			k.ExpiresAt = &past
		}
		return k, err
	}
	e = h.do(keyCaller(h.participant, exp.Key), "GET", "/api/v1/me", nil).requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
	require.Contains(t, e.Message, "expired at")

	// A disabled owner's key no longer works.
	disabled := *h.instructor.user
	disabled.Disabled = true
	h.addAccount(&disabled)
	e = h.do(reader, "GET", "/api/v1/me", nil).requireError(t, http.StatusUnauthorized, domain.KindUnauthorized)
	require.Contains(t, e.Message, "disabled")

	r := h.do(h.participant, "POST", "/api/v1/api-keys", map[string]any{"name": "", "expires_at": time.Now().Add(-time.Hour)})
	r.requireFields(t, map[string]string{"name": "is required", "expires_at": "in the future"})
	h.do(h.participant, "GET", "/api/v1/api-keys?user=nope", nil).requireFields(t, map[string]string{"user": "user id"})
}

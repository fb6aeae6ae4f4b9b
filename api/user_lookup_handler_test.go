package api_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
)

// lookupStore makes the fake UserStore answer every lookup with found and
// keeps the lookups it was asked for.
func lookupStore(h *fakeAPI, found ...domain.UserSummary) *[]domain.UserLookup {
	var asked []domain.UserLookup
	h.users.LookupUsersFn = func(_ context.Context, l domain.UserLookup) ([]domain.UserSummary, error) {
		asked = append(asked, l)
		return found, nil
	}
	return &asked
}

// TestHandlerUserLookupAccess checks who may look users up: those who may
// create events (instructors), manage every event or read every user
// (administrators); a participant gets 403 and the store is not asked.
func TestHandlerUserLookupAccess(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		as     func(h *fakeAPI) *caller
		grant  func(h *fakeAPI)
		status int
	}{
		{name: "admin", as: admin, status: http.StatusOK},
		{name: "instructor", as: instructor, status: http.StatusOK},
		{name: "participant", as: participant, status: http.StatusForbidden},
		{name: "participant who manages every event", as: participant, status: http.StatusOK,
			grant: func(h *fakeAPI) { h.grant(h.participant, domain.ObjectEvent, uuid.Nil, domain.KeyEventManage) }},
		{name: "participant who reads every user", as: participant, status: http.StatusOK,
			grant: func(h *fakeAPI) { h.grant(h.participant, domain.ObjectUser, uuid.Nil, domain.KeyRead) }},
		{name: "participant who manages one event", as: participant, status: http.StatusForbidden,
			grant: func(h *fakeAPI) { h.grant(h.participant, domain.ObjectEvent, uuid.New(), domain.KeyEventManage) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			if tc.grant != nil {
				tc.grant(h)
			}
			asked := lookupStore(h)
			r := h.do(tc.as(h), "GET", "/api/v1/users/lookup?q=an", nil)
			e := r.requireStatus(t, tc.status)
			if tc.status == http.StatusForbidden {
				require.Contains(t, e.Message, "look up users")
				require.Empty(t, *asked)
			} else {
				require.Len(t, *asked, 1)
			}
		})
	}
}

// TestHandlerUserLookupAnswersSummaries checks that a lookup passes the
// trimmed text and the limit to the store and answers only each user's
// id, username and display name.
func TestHandlerUserLookupAnswersSummaries(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	anna := domain.UserSummary{ID: uuid.New(), Username: "anna.k", DisplayName: "Anna Smith"}
	asked := lookupStore(h, anna)

	r := h.do(h.instructor, "GET", "/api/v1/users/lookup?q=%20%20Smi%20&limit=5", nil)
	r.requireStatus(t, http.StatusOK)
	require.Equal(t, []domain.UserLookup{{Query: "Smi", Limit: 5}}, *asked)
	var body struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	r.json(t, &body)
	require.Len(t, body.Items, 1)
	require.ElementsMatch(t, []string{"id", "username", "display_name"}, slices.Collect(maps.Keys(body.Items[0])))
	require.JSONEq(t, `"`+anna.ID.String()+`"`, string(body.Items[0]["id"]))
	require.JSONEq(t, `"anna.k"`, string(body.Items[0]["username"]))
	require.JSONEq(t, `"Anna Smith"`, string(body.Items[0]["display_name"]))

	asked = lookupStore(h)
	r = h.do(h.admin, "GET", "/api/v1/users/lookup?q=zz", nil)
	r.requireStatus(t, http.StatusOK)
	require.Equal(t, []domain.UserLookup{{Query: "zz", Limit: domain.DefaultUserLookupLimit}}, *asked, "the default limit")
	require.JSONEq(t, `{"items":[]}`, string(r.body), "no match is an empty list")

	long := strings.Repeat("é", domain.MaxUserLookupQuery)
	h.do(h.instructor, "GET", "/api/v1/users/lookup?q="+url.QueryEscape(long), nil).requireStatus(t, http.StatusOK)
	require.Equal(t, long, (*asked)[1].Query, "the length is counted in characters, not bytes")
}

// TestHandlerUserLookupValidation sends bad lookups: each answers 400
// naming the field, without asking the store.
func TestHandlerUserLookupValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		query  string
		fields map[string]string
	}{
		{"no q", "", map[string]string{"q": "must be 2 to 100 characters"}},
		{"one character", "q=a", map[string]string{"q": "must be 2 to 100 characters"}},
		{"one character between spaces", "q=%20a%20%20", map[string]string{"q": "must be 2 to 100 characters"}},
		{"101 characters", "q=" + url.QueryEscape(strings.Repeat("é", 101)), map[string]string{"q": "must be 2 to 100 characters"}},
		{"limit 0", "q=an&limit=0", map[string]string{"limit": "from 1 to 50"}},
		{"limit 51", "q=an&limit=51", map[string]string{"limit": "from 1 to 50"}},
		{"limit not a number", "q=an&limit=ten", map[string]string{"limit": "whole number"}},
		{"both", "q=a&limit=-1", map[string]string{"q": "", "limit": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			asked := lookupStore(h)
			h.do(h.instructor, "GET", "/api/v1/users/lookup?"+tc.query, nil).requireFields(t, tc.fields)
			require.Empty(t, *asked)
		})
	}
}

package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
)

// reply is a recorded response.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request as c (nil: without a token) straight to ServeHTTP. A
// body of type string is sent verbatim, any other non-nil body as JSON.
func (h *fakeAPI) do(c *caller, method, path string, body any) *reply {
	h.t.Helper()
	req := httptest.NewRequestWithContext(h.t.Context(), method, path, apptest.RequestBody(h.t, body))
	token := ""
	if c != nil {
		token = c.token
	}
	apptest.PrepareRequest(req, token)
	return h.serve(req)
}

// doWithHeader sends a GET-style request with a raw Authorization header.
func (h *fakeAPI) doWithHeader(method, path, authorization string) *reply {
	h.t.Helper()
	req, err := http.NewRequestWithContext(h.t.Context(), method, path, nil)
	require.NoError(h.t, err)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return h.serve(req)
}

// serve passes req to the API's ServeHTTP and records the response,
// which must match api/openapi.yaml.
func (h *fakeAPI) serve(req *http.Request) *reply {
	h.t.Helper()
	var reqBody []byte
	if req.Body != nil {
		var err error
		reqBody, err = io.ReadAll(req.Body)
		require.NoError(h.t, err)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	rec := httptest.NewRecorder()
	h.server.ServeHTTP(rec, req)
	r := &reply{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if !h.skipContract {
		apptest.CheckContract(h.t, req, reqBody, r.status, r.header, r.body)
	}
	return r
}

// json decodes the body into v.
func (r *reply) json(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "response %d: %s", r.status, r.body)
}

// requireError checks that r is an error envelope with status and the
// code of kind, and returns its detail.
func (r *reply) requireError(t *testing.T, status int, kind domain.Kind) api.ErrorDetail {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	var e api.ErrorBody
	r.json(t, &e)
	require.Equal(t, string(kind), e.Error.Code, "body: %s", r.body)
	require.NotEmpty(t, e.Error.Message)
	require.Equal(t, r.header.Get(api.RequestIDHeader), e.Error.RequestID)
	return e.Error
}

// statusKinds are the error kinds the error statuses carry.
var statusKinds = map[int]domain.Kind{
	http.StatusBadRequest: domain.KindInvalid, http.StatusForbidden: domain.KindForbidden,
	http.StatusNotFound: domain.KindNotFound, http.StatusConflict: domain.KindConflict,
	http.StatusServiceUnavailable: domain.KindUnavailable,
}

// requireStatus checks that r has status and, for an error status, is the
// error envelope of its kind, whose detail it returns.
func (r *reply) requireStatus(t *testing.T, status int) api.ErrorDetail {
	t.Helper()
	if kind, ok := statusKinds[status]; ok {
		return r.requireError(t, status, kind)
	}
	require.Equal(t, status, r.status, string(r.body))
	return api.ErrorDetail{}
}

// requireFields checks that r is a 400 naming exactly the fields of want;
// a non-empty message in want must occur in that field's message.
func (r *reply) requireFields(t *testing.T, want map[string]string) {
	t.Helper()
	e := r.requireError(t, http.StatusBadRequest, domain.KindInvalid)
	got := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		got = append(got, f)
	}
	names := make([]string, 0, len(want))
	for f, msg := range want {
		names = append(names, f)
		if msg != "" {
			require.Contains(t, e.Fields[f], msg, "field %s", f)
		}
	}
	require.ElementsMatch(t, names, got, "fields of %s", r.body)
}

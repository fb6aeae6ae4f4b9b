package apptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/labforge/labforge/api"
)

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// contractRouter loads and validates api/openapi.yaml once per test binary.
func contractRouter() (routers.Router, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPISpec)
		if err != nil {
			specErr = fmt.Errorf("loading openapi.yaml: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = fmt.Errorf("openapi.yaml is invalid: %w", err)
			return
		}
		doc.Servers = nil // match any host, such as the test server's loopback port
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	return specRouter, specErr
}

// contractTransport checks every response that passes through it against
// the OpenAPI contract and fails the test on any mismatch: an undocumented
// route, status, field or type. Requests are not checked, because tests
// send invalid ones on purpose.
type contractTransport struct {
	t    testing.TB
	next http.RoundTripper
}

func (ct *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := ct.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	CheckContract(ct.t, req, reqBody, resp.StatusCode, resp.Header, respBody)
	return resp, nil
}

// CheckContract fails t unless the response (status, header, body) to
// req, whose body was reqBody, is what api/openapi.yaml documents: an
// undocumented route, status, field or type is an error. The request
// itself is not checked, because tests send invalid ones on purpose.
func CheckContract(t testing.TB, req *http.Request, reqBody []byte, status int, header http.Header, body []byte) {
	t.Helper()
	router, err := contractRouter()
	if err != nil {
		t.Fatal(err)
	}
	check := req.Clone(req.Context())
	check.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(check)
	if err != nil {
		// Only an error answer may come from a route the contract lacks.
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			t.Errorf("contract: %s %s answered %d but is not in openapi.yaml: %v", req.Method, req.URL.Path, status, err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request: check, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true},
	}
	// Tests send invalid requests on purpose; only responses to well-formed
	// requests must match, and every response must be documented.
	_ = openapi3filter.ValidateRequest(req.Context(), in)
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header, Options: in.Options,
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		t.Errorf("contract: response to %s %s (%d) does not match openapi.yaml: %v\nbody: %s", req.Method, req.URL.Path, status, err, body)
	}
}

package containers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
)

// apiClient calls the platform's HTTP API with a bearer token.
type apiClient struct {
	base  string
	token string
	hc    *http.Client
}

func newAPIClient(base string, conns int) *apiClient {
	return &apiClient{base: base, hc: &http.Client{Timeout: 30 * time.Second, Transport: transport(conns)}}
}

// do sends a JSON request and decodes a JSON answer of status want into out.
func (c *apiClient) do(ctx context.Context, method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// login signs in and returns the access token.
func (c *apiClient) login(ctx context.Context, tb testing.TB, username, password string) string {
	tb.Helper()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := c.do(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"username": username, "password": password},
		http.StatusOK, &out); err != nil {
		tb.Fatalf("login as %s: %v", username, err)
	}
	return out.AccessToken
}

// createContainer asks for a container hostname from the CT template,
// with one HTTP service <hostname>.<external domain> to its guest port,
// and returns the accepted operation.
func (c *apiClient) createContainer(ctx context.Context, hostname string) (domain.Operation, error) {
	req := api.CreateContainerRequest{Hostname: hostname, Source: ctTemplate, Services: []api.ServiceRequest{{
		Protocol: string(domain.ServiceHTTP), InternalPort: guestPort, ExternalHostname: serviceHost(hostname)}}}
	var op domain.Operation
	err := c.do(ctx, http.MethodPost, "/api/v1/containers", req, http.StatusAccepted, &op)
	return op, err
}

// operation reads an operation.
func (c *apiClient) operation(ctx context.Context, id string) (domain.Operation, error) {
	var op domain.Operation
	err := c.do(ctx, http.MethodGet, "/api/v1/operations/"+id, nil, http.StatusOK, &op)
	return op, err
}

// container reads a container.
func (c *apiClient) container(ctx context.Context, id string) (api.ContainerView, error) {
	var v api.ContainerView
	err := c.do(ctx, http.MethodGet, "/api/v1/containers/"+id, nil, http.StatusOK, &v)
	return v, err
}

// serviceHost is the external name of a container's HTTP service.
func serviceHost(hostname string) string { return hostname + "." + externalDomain }

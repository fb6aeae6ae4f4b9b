package guacamole

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
)

// User is a Guacamole user to create.
type User struct {
	Username string `json:"username"`
	// Password is the user's Guacamole password; empty leaves the user
	// without one (it then signs in through another extension, e.g. SSO).
	Password string `json:"password,omitempty"`
	// Attributes are Guacamole's user attributes (guac-full-name,
	// guac-email-address, ...).
	Attributes map[string]string `json:"attributes"`
	Disabled   bool              `json:"disabled,omitempty"`
}

// LogValue shows the user without the password.
func (u User) LogValue() slog.Value {
	return slog.GroupValue(slog.String("username", u.Username), slog.Bool("disabled", u.Disabled))
}

// EnsureUser creates the user unless one of that name exists. An existing
// user is left as it is (its password is not changed).
func (c *Client) EnsureUser(ctx context.Context, u User) error {
	const op = "EnsureUser"
	if u.Username == "" {
		return &Error{Kind: Invalid, Op: op, Message: "empty username"}
	}
	err := c.data(ctx, op, http.MethodGet, userPath(u.Username), nil, nil)
	if !errors.Is(err, NotFound) {
		return err
	}
	if u.Attributes == nil {
		u.Attributes = map[string]string{}
	}
	err = c.data(ctx, op, http.MethodPost, "/users", u, nil)
	if errors.Is(err, AlreadyExists) {
		return nil
	}
	return err
}

// DeleteUser deletes the user; one that does not exist is already deleted.
func (c *Client) DeleteUser(ctx context.Context, username string) error {
	if username == "" {
		return &Error{Kind: Invalid, Op: "DeleteUser", Message: "empty username"}
	}
	err := c.data(ctx, "DeleteUser", http.MethodDelete, userPath(username), nil, nil)
	if errors.Is(err, NotFound) {
		return nil
	}
	return err
}

// GrantConnection lets the user see and use the connection (READ). Granting
// it again is fine. Guacamole's JDBC backends answer a grant on a
// connection that does not exist with 500 (kind Transient).
func (c *Client) GrantConnection(ctx context.Context, username, connectionID string) error {
	return c.patchConnectionPermission(ctx, "GrantConnection", "add", username, connectionID)
}

// RevokeConnection takes READ on the connection away from the user. A
// permission not held, and a user that does not exist, are fine.
func (c *Client) RevokeConnection(ctx context.Context, username, connectionID string) error {
	err := c.patchConnectionPermission(ctx, "RevokeConnection", "remove", username, connectionID)
	if errors.Is(err, NotFound) {
		return nil
	}
	return err
}

// patchOp is one JSON Patch operation on a permission set.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value string `json:"value"`
}

func (c *Client) patchConnectionPermission(ctx context.Context, op, patch, username, connectionID string) error {
	if username == "" || connectionID == "" {
		return &Error{Kind: Invalid, Op: op, Message: "empty username or connection identifier"}
	}
	body := []patchOp{{Op: patch, Path: "/connectionPermissions/" + connectionID, Value: "READ"}}
	return c.data(ctx, op, http.MethodPatch, userPath(username)+"/permissions", body, nil)
}

// ConnectionPermissions returns the user's permissions (READ, UPDATE,
// DELETE, ADMINISTER) by connection identifier.
func (c *Client) ConnectionPermissions(ctx context.Context, username string) (map[string][]string, error) {
	var out struct {
		ConnectionPermissions map[string][]string `json:"connectionPermissions"`
	}
	if err := c.data(ctx, "ConnectionPermissions", http.MethodGet, userPath(username)+"/permissions", nil, &out); err != nil {
		return nil, err
	}
	if out.ConnectionPermissions == nil {
		out.ConnectionPermissions = map[string][]string{}
	}
	return out.ConnectionPermissions, nil
}

func userPath(username string) string { return "/users/" + url.PathEscape(username) }

package guacamole

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// RootGroup is the identifier of Guacamole's root connection group.
const RootGroup = "ROOT"

// Connection is a Guacamole connection. Parameters are sent on create only:
// Guacamole never returns them in lists or reads.
type Connection struct {
	// Identifier is Guacamole's identifier, set by Guacamole.
	Identifier string `json:"identifier,omitempty"`
	// ParentIdentifier is the connection group; empty means RootGroup.
	ParentIdentifier string `json:"parentIdentifier"`
	// Name is unique under its parent.
	Name string `json:"name"`
	// Protocol is "rdp", "vnc", "ssh", ...
	Protocol string `json:"protocol"`
	// Parameters are the protocol's parameters, all strings ("port":
	// "22"): hostname, port, username, password, ...
	Parameters map[string]string `json:"parameters"`
	// Attributes are Guacamole's extra attributes (max-connections, ...).
	Attributes map[string]string `json:"attributes"`
}

// LogValue shows the connection with the values of secret parameters
// (passwords, passphrases, private keys) hidden.
func (c Connection) LogValue() slog.Value {
	params := make([]slog.Attr, 0, len(c.Parameters))
	for _, k := range slices.Sorted(maps.Keys(c.Parameters)) {
		v := c.Parameters[k]
		if secretParameter(k) {
			v = "xxxxx"
		}
		params = append(params, slog.String(k, v))
	}
	return slog.GroupValue(slog.String("identifier", c.Identifier), slog.String("parent", c.ParentIdentifier),
		slog.String("name", c.Name), slog.String("protocol", c.Protocol), slog.Attr{Key: "parameters", Value: slog.GroupValue(params...)})
}

// secretParameter reports Guacamole parameters that hold secrets
// (password, passphrase, private-key, sftp-password, gateway-password, ...).
func secretParameter(name string) bool {
	name = strings.ToLower(name)
	return strings.Contains(name, "password") || strings.Contains(name, "passphrase") ||
		strings.Contains(name, "private-key") || strings.Contains(name, "secret") || strings.Contains(name, "token")
}

// ListConnections returns the connections the client's user may read,
// ordered by identifier, without their parameters.
func (c *Client) ListConnections(ctx context.Context) ([]Connection, error) {
	var m map[string]Connection
	if err := c.data(ctx, "ListConnections", http.MethodGet, "/connections", nil, &m); err != nil {
		return nil, err
	}
	out := make([]Connection, 0, len(m))
	for id, conn := range m {
		if conn.Identifier == "" {
			conn.Identifier = id
		}
		out = append(out, conn)
	}
	slices.SortFunc(out, func(a, b Connection) int { return compareIDs(a.Identifier, b.Identifier) })
	return out, nil
}

// FindConnection returns the connection called name under parent (empty
// means RootGroup), and whether there is one.
func (c *Client) FindConnection(ctx context.Context, parent, name string) (Connection, bool, error) {
	all, err := c.ListConnections(ctx)
	if err != nil {
		return Connection{}, false, retag(err, "FindConnection")
	}
	return findNamed(all, parent, name)
}

func findNamed(all []Connection, parent, name string) (Connection, bool, error) {
	if parent == "" {
		parent = RootGroup
	}
	for _, conn := range all {
		if conn.Name == name && (conn.ParentIdentifier == parent || conn.ParentIdentifier == "" && parent == RootGroup) {
			return conn, true, nil
		}
	}
	return Connection{}, false, nil
}

// CreateConnection creates conn, or returns the connection of the same
// name under the same parent when it exists already (unchanged: its
// parameters are not compared). The result carries the identifier.
// Connection names must be unique under their parent in Guacamole anyway;
// making them unique per Labforge object makes this idempotent.
func (c *Client) CreateConnection(ctx context.Context, conn Connection) (Connection, error) {
	const op = "CreateConnection"
	if strings.TrimSpace(conn.Name) == "" || conn.Protocol == "" {
		return Connection{}, &Error{Kind: Invalid, Op: op, Message: "a connection needs a name and a protocol"}
	}
	if conn.ParentIdentifier == "" {
		conn.ParentIdentifier = RootGroup
	}
	if conn.Parameters == nil {
		conn.Parameters = map[string]string{}
	}
	if conn.Attributes == nil {
		conn.Attributes = map[string]string{} // Guacamole fails without the map
	}
	conn.Identifier = ""
	if found, ok, err := c.FindConnection(ctx, conn.ParentIdentifier, conn.Name); err != nil || ok {
		return found, retag(err, op)
	}
	var out Connection
	err := c.data(ctx, op, http.MethodPost, "/connections", conn, &out)
	if errors.Is(err, AlreadyExists) {
		// Created meanwhile by a concurrent attempt: that one is ours too.
		found, ok, ferr := c.FindConnection(ctx, conn.ParentIdentifier, conn.Name)
		if ferr != nil || !ok {
			return Connection{}, err
		}
		return found, nil
	}
	if err != nil {
		return Connection{}, err
	}
	if out.Identifier == "" {
		return Connection{}, &Error{Kind: Invalid, Op: op, Status: http.StatusOK, Message: "Guacamole answered without an identifier"}
	}
	conn.Identifier = out.Identifier
	return conn, nil
}

// DeleteConnection deletes the connection; one that does not exist is
// already deleted.
func (c *Client) DeleteConnection(ctx context.Context, id string) error {
	if id == "" {
		return &Error{Kind: Invalid, Op: "DeleteConnection", Message: "empty connection identifier"}
	}
	err := c.data(ctx, "DeleteConnection", http.MethodDelete, "/connections/"+url.PathEscape(id), nil, nil)
	if errors.Is(err, NotFound) {
		return nil
	}
	return err
}

// retag renames the operation of a classified error, so an error of an
// inner call reports the method the caller called.
func retag(err error, op string) error {
	var e *Error
	if errors.As(err, &e) && e.Op != op {
		cp := *e
		cp.Op = op
		return &cp
	}
	return err
}

// compareIDs orders Guacamole identifiers numerically when they are
// numbers (the JDBC backends' are), as strings otherwise.
func compareIDs(a, b string) int {
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return na - nb
	}
	return strings.Compare(a, b)
}

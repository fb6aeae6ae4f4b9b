package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
)

// secretCause is the text of every internal cause below; no response may
// carry it.
const secretCause = "dial tcp 10.9.8.7:5432: password authentication failed for user labforge"

// storeErrors are what a store may fail with, and the status, code and
// message the caller must see for each: one status per kind, and for an
// error that is not a domain error (kind internal) only "internal error".
var storeErrors = []struct {
	name    string
	err     error
	status  int
	kind    domain.Kind
	message string
	fields  map[string]string
}{
	{"invalid", &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields", Fields: map[string]string{"cursor": "is not a cursor of this list"}},
		http.StatusBadRequest, domain.KindInvalid, "the request has invalid fields", map[string]string{"cursor": "is not a cursor of this list"}},
	{"unauthorized", domain.Errorf(domain.KindUnauthorized, "the session was revoked"),
		http.StatusUnauthorized, domain.KindUnauthorized, "the session was revoked", nil},
	{"forbidden", domain.Errorf(domain.KindForbidden, "you may not do that"),
		http.StatusForbidden, domain.KindForbidden, "you may not do that", nil},
	{"not found", domain.NotFoundf("it is gone"),
		http.StatusNotFound, domain.KindNotFound, "it is gone", nil},
	{"conflict", domain.Conflictf("the name is taken"),
		http.StatusConflict, domain.KindConflict, "the name is taken", nil},
	{"unavailable keeps its cause to the log", domain.Wrap(errors.New(secretCause), domain.KindUnavailable, "the database is unreachable; try again shortly"),
		http.StatusServiceUnavailable, domain.KindUnavailable, "the database is unreachable; try again shortly", nil},
	{"wrapped domain error keeps its kind", fmt.Errorf("store: deleting: %w", domain.Conflictf("still in use")),
		http.StatusConflict, domain.KindConflict, "still in use", nil},
	{"internal kind", domain.Wrap(errors.New(secretCause), domain.KindInternal, "reading the row: "+secretCause),
		http.StatusInternalServerError, domain.KindInternal, "internal error", nil},
	{"plain error", errors.New(secretCause),
		http.StatusInternalServerError, domain.KindInternal, "internal error", nil},
}

// failingRoute is a request whose handler passes a store's error on, and
// how to make that store fail with err.
type failingRoute struct {
	name   string
	method string
	path   string
	body   any
	fail   func(h *fakeAPI, err error)
}

var (
	routeVMID   = uuid.MustParse("0c7a1c0e-1111-4b7e-9c1e-2f6a8e1d0001")
	routeNodeID = uuid.MustParse("0c7a1c0e-2222-4b7e-9c1e-2f6a8e1d0002")
	routeTplID  = uuid.MustParse("0c7a1c0e-3333-4b7e-9c1e-2f6a8e1d0003")
	routeUserID = uuid.MustParse("0c7a1c0e-4444-4b7e-9c1e-2f6a8e1d0004")
	routeOpID   = uuid.MustParse("0c7a1c0e-5555-4b7e-9c1e-2f6a8e1d0005")
	routeSiteID = uuid.MustParse("0c7a1c0e-6666-4b7e-9c1e-2f6a8e1d0006")
	routeDomID  = uuid.MustParse("0c7a1c0e-7777-4b7e-9c1e-2f6a8e1d0007")
)

// failingRoutes cover every entity of the API, reads and writes.
var failingRoutes = []failingRoute{
	{"get vm", "GET", "/api/v1/vms/" + routeVMID.String(), nil, func(h *fakeAPI, err error) {
		h.vms.FindVMFn = func(context.Context, uuid.UUID) (*domain.VM, error) { return nil, err }
	}},
	{"list vms", "GET", "/api/v1/vms", nil, func(h *fakeAPI, err error) {
		h.vms.ListVMsFn = func(context.Context, domain.VMFilter) ([]domain.VM, string, error) { return nil, "", err }
	}},
	{"get node", "GET", "/api/v1/nodes/" + routeNodeID.String(), nil, func(h *fakeAPI, err error) {
		h.nodes.FindNodeFn = func(context.Context, uuid.UUID) (*domain.Node, error) { return nil, err }
	}},
	{"create node", "POST", "/api/v1/nodes", validNodeRequest(), func(h *fakeAPI, err error) {
		h.nodes.CreateNodeFn = func(context.Context, *domain.Node) error { return err }
	}},
	{"delete node", "DELETE", "/api/v1/nodes/" + routeNodeID.String(), nil, func(h *fakeAPI, err error) {
		h.nodes.FindNodeFn = finds(domain.ObjectNode, routeNodeID, domain.Node{ID: routeNodeID, Name: "pve1", Cluster: "lab"})
		h.nodes.DeleteNodeFn = func(context.Context, uuid.UUID) error { return err }
	}},
	{"list sites", "GET", "/api/v1/sites", nil, func(h *fakeAPI, err error) {
		h.sites.ListSitesFn = func(context.Context, domain.Page) ([]domain.Site, string, error) { return nil, "", err }
	}},
	{"create site", "POST", "/api/v1/sites", validSiteRequest(), func(h *fakeAPI, err error) {
		h.sites.CreateSiteFn = func(context.Context, *domain.Site) error { return err }
	}},
	{"delete site", "DELETE", "/api/v1/sites/" + routeSiteID.String(), nil, func(h *fakeAPI, err error) {
		h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
		h.sites.DeleteSiteFn = func(context.Context, uuid.UUID) error { return err }
	}},
	{"get container", "GET", "/api/v1/containers/" + routeCTID.String(), nil, func(h *fakeAPI, err error) {
		h.containers.FindContainerFn = func(context.Context, uuid.UUID) (*domain.Container, error) { return nil, err }
	}},
	{"list containers", "GET", "/api/v1/containers", nil, func(h *fakeAPI, err error) {
		h.containers.ListContainersFn = func(context.Context, domain.ContainerFilter) ([]domain.Container, string, error) { return nil, "", err }
	}},
	{"create container", "POST", "/api/v1/containers", validContainerRequest(), func(h *fakeAPI, err error) {
		containerFakes(h, domain.GuestPending, domain.PowerUnknown)
		h.containers.CreateContainerWithOwnerFn = func(context.Context, *domain.Container, []domain.Service) ([]domain.Service, error) {
			return nil, err
		}
	}},
	{"get external domain", "GET", "/api/v1/external-domains/" + routeDomID.String(), nil, func(h *fakeAPI, err error) {
		h.extDomains.FindExternalDomainFn = func(context.Context, uuid.UUID) (*domain.ExternalDomain, error) { return nil, err }
	}},
	{"update external domain", "PATCH", "/api/v1/external-domains/" + routeDomID.String(), map[string]any{"key_path": "/etc/ssl/k.pem"},
		func(h *fakeAPI, err error) {
			h.extDomains.FindExternalDomainFn = finds(domain.ObjectExternalDomain, routeDomID, storedDomain())
			h.extDomains.UpdateExternalDomainFn = func(context.Context, *domain.ExternalDomain) error { return err }
		}},
	{"list templates", "GET", "/api/v1/templates", nil, func(h *fakeAPI, err error) {
		h.templates.ListTemplatesFn = func(context.Context, domain.TemplateFilter) ([]domain.VMTemplate, string, error) { return nil, "", err }
	}},
	{"get template", "GET", "/api/v1/templates/" + routeTplID.String(), nil, func(h *fakeAPI, err error) {
		h.templates.FindTemplateFn = func(context.Context, uuid.UUID) (*domain.VMTemplate, error) { return nil, err }
	}},
	{"list users", "GET", "/api/v1/users", nil, func(h *fakeAPI, err error) {
		h.users.ListUsersFn = func(context.Context, domain.Page) ([]domain.User, string, error) { return nil, "", err }
	}},
	{"delete user", "DELETE", "/api/v1/users/" + routeUserID.String(), nil, func(h *fakeAPI, err error) {
		h.addAccount(&domain.User{ID: routeUserID, Username: "ada", Roles: []string{domain.RoleInstructor}})
		h.users.DeleteUserFn = func(context.Context, uuid.UUID) error { return err }
	}},
	{"get operation", "GET", "/api/v1/operations/" + routeOpID.String(), nil, func(h *fakeAPI, err error) {
		h.operations.FindOperationFn = func(context.Context, uuid.UUID) (*domain.Operation, error) { return nil, err }
	}},
	{"list operations", "GET", "/api/v1/operations", nil, func(h *fakeAPI, err error) {
		h.operations.ListOperationsFn = func(context.Context, domain.OperationFilter) ([]domain.Operation, string, error) { return nil, "", err }
	}},
	{"list system events", "GET", "/api/v1/system/events", nil, func(h *fakeAPI, err error) {
		h.systemEvents.ListSystemEventsFn = func(context.Context, domain.SystemEventFilter) ([]domain.SystemEvent, string, error) {
			return nil, "", err
		}
	}},
	{"list groups", "GET", "/api/v1/groups", nil, func(h *fakeAPI, err error) {
		h.groups.ListGroupsFn = func(context.Context, domain.Page) ([]domain.Group, string, error) { return nil, "", err }
	}},
	{"delete group", "DELETE", "/api/v1/groups/" + routeGroupID.String(), nil, func(h *fakeAPI, err error) {
		fakeGroups(h)
		h.groups.DeleteGroupFn = func(context.Context, uuid.UUID) error { return err }
	}},
	{"get environment", "GET", "/api/v1/environments/" + routeEnvID.String(), nil, func(h *fakeAPI, err error) {
		h.environments.FindEnvironmentFn = func(context.Context, uuid.UUID) (*domain.Environment, error) { return nil, err }
	}},
	{"create environment", "POST", "/api/v1/environments", validEnvironmentRequest(), func(h *fakeAPI, err error) {
		fakeEnvironments(h, h.admin.ID())
		h.environments.CreateEnvironmentFn = func(context.Context, *domain.Environment) error { return err }
	}},
	{"list events", "GET", "/api/v1/events", nil, func(h *fakeAPI, err error) {
		h.events.ListEventsFn = func(context.Context, domain.EventFilter) ([]domain.Event, string, error) { return nil, "", err }
	}},
	{"create event", "POST", "/api/v1/events", validEventRequest(), func(h *fakeAPI, err error) {
		fakeEvents(h, domain.EventPlanned, nil)
		h.events.CreateEventFn = func(context.Context, *domain.Event) error { return err }
	}},
	{"event overview", "GET", "/api/v1/events/" + routeEventID.String() + "/overview", nil, func(h *fakeAPI, err error) {
		fakeEvents(h, domain.EventRunning, nil)
		h.events.ListEventItemsFn = func(context.Context, uuid.UUID, *uuid.UUID) ([]domain.EventItem, error) { return nil, err }
	}},
	{"event role lookup", "GET", "/api/v1/events/" + routeEventID.String(), nil, func(h *fakeAPI, err error) {
		h.permissions.PermissionsForFn = func(context.Context, domain.Subject, domain.ObjectRef) ([]domain.Permission, error) {
			return nil, nil
		}
		h.events.EventRoleFn = func(context.Context, uuid.UUID, uuid.UUID) (string, error) { return "", err }
	}},
	{"permission lookup", "GET", "/api/v1/nodes", nil, func(h *fakeAPI, err error) {
		h.permissions.PermissionsForFn = func(context.Context, domain.Subject, domain.ObjectRef) ([]domain.Permission, error) {
			return nil, err
		}
	}},
}

// TestHandlerErrorMapping makes each route's store fail with an error of
// each kind: the caller gets that kind's one status and code, the error's
// own message and fields, and, for an internal error, "internal error"
// while the cause goes to the log with the request id.
func TestHandlerErrorMapping(t *testing.T) {
	t.Parallel()
	for _, route := range failingRoutes {
		for _, se := range storeErrors {
			t.Run(route.name+"/"+se.name, func(t *testing.T) {
				t.Parallel()
				h := newFakeAPI(t)
				h.skipContract = true
				route.fail(h, se.err)
				r := h.do(h.admin, route.method, route.path, route.body)
				e := r.requireError(t, se.status, se.kind)
				require.Equal(t, se.message, e.Message)
				require.Equal(t, se.fields, e.Fields)
				require.NotContains(t, string(r.body), secretCause)
				if se.kind == domain.KindInternal || se.kind == domain.KindUnavailable {
					require.Contains(t, h.logs.String(), secretCause, "the cause is logged")
					require.Contains(t, h.logs.String(), "request_id="+e.RequestID)
				}
			})
		}
	}
}

// TestHandlerPanicsAreInternalErrors checks that a handler's panic, such as
// a fake's for a call the test did not expect, answers 500 "internal
// error" and logs the panic.
func TestHandlerPanicsAreInternalErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		setup  func(h *fakeAPI)
		logged string
	}{
		{"store panics", func(h *fakeAPI) {
			h.nodes.FindNodeFn = func(context.Context, uuid.UUID) (*domain.Node, error) { panic(secretCause) }
		}, secretCause},
		{"unexpected store call", func(*fakeAPI) {}, "mock: unexpected call to NodeStore.FindNode: set its FindNodeFn field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			h.skipContract = true
			tc.setup(h)
			r := h.do(h.admin, "GET", "/api/v1/nodes/"+routeNodeID.String(), nil)
			e := r.requireError(t, http.StatusInternalServerError, domain.KindInternal)
			require.Equal(t, "internal error", e.Message)
			require.NotContains(t, string(r.body), secretCause)
			require.Contains(t, h.logs.String(), "handler panicked")
			require.Contains(t, h.logs.String(), tc.logged)
		})
	}
}

// TestHandlerRequestBodies covers the decoding every JSON body goes
// through, on one route.
func TestHandlerRequestBodies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		body    string
		fields  map[string]string
		message string
	}{
		{name: "empty", body: "", message: "the request body is empty"},
		{name: "not JSON", body: `{"name": pve1}`, message: "not valid JSON (at byte 10)"},
		{name: "two values", body: `{"name": "a"} {"name": "b"}`, message: "more than one JSON value"},
		{name: "unknown field", body: `{"name": "pve1", "root_password": "x"}`, fields: map[string]string{"root_password": "is not a known field"}},
		{name: "wrong type", body: `{"name": 7}`, fields: map[string]string{"name": "must be of type string"}},
		{name: "wrong array type", body: `{"storages": "local-lvm"}`, fields: map[string]string{"storages": "must be of type array"}},
		{name: "too large", body: `{"name": "` + strings.Repeat("a", 1<<20) + `"}`, message: "larger than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newFakeAPI(t)
			r := h.do(h.admin, "POST", "/api/v1/nodes", tc.body)
			if tc.fields != nil {
				r.requireFields(t, tc.fields)
				return
			}
			e := r.requireError(t, http.StatusBadRequest, domain.KindInvalid)
			require.Contains(t, e.Message, tc.message)
		})
	}
}

// TestHandlerUnknownRoutes checks the envelope of routes and methods the
// API does not have.
func TestHandlerUnknownRoutes(t *testing.T) {
	t.Parallel()
	h := newFakeAPI(t)
	h.do(nil, "GET", "/api/v1/nowhere", nil).requireError(t, http.StatusNotFound, domain.KindNotFound)
	r := h.do(h.admin, "PUT", "/api/v1/nodes", nil)
	require.Equal(t, http.StatusMethodNotAllowed, r.status)
	var e api.ErrorBody
	r.json(t, &e)
	require.Equal(t, "method_not_allowed", e.Error.Code)
}

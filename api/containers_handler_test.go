package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

var routeCTID = uuid.MustParse("0c7a1c0e-8888-4b7e-9c1e-2f6a8e1d0008")

// ctFixture is the participant's container routeCTID on the site
// storedSite, placed on node pve1, with an HTTP and two TCP services (one
// without its port yet), and cora, a participant collaborating on it.
type ctFixture struct {
	ct   domain.Container
	cora *caller
}

var ctPath = "/api/v1/containers/" + routeCTID.String()

// newContainerAPI is a fakeAPI holding the container fixture in state
// and power.
func newContainerAPI(t *testing.T, state domain.GuestState, power domain.PowerState) (*fakeAPI, *ctFixture) {
	h := newFakeAPI(t)
	return h, containerFakes(h, state, power)
}

// containerFakes fills the fake site, node and container stores with the
// fixture, the container in state and power.
func containerFakes(h *fakeAPI, state domain.GuestState, power domain.PowerState) *ctFixture {
	h.sites.FindSiteFn = finds(domain.ObjectSite, routeSiteID, storedSite())
	h.sites.ListSitesFn = func(context.Context, domain.Page) ([]domain.Site, string, error) {
		return []domain.Site{storedSite()}, "", nil
	}
	h.nodes.FindNodeFn = finds(domain.ObjectNode, routeNodeID, domain.Node{ID: routeNodeID, Name: "pve1", Cluster: "lab"})
	ip, vmid, node := netip.MustParseAddr("10.20.0.100"), 120, routeNodeID
	ct := domain.Container{ID: routeCTID, Hostname: "web", OwnerID: h.participant.ID(), SiteID: routeSiteID, NodeID: &node,
		Cluster: "lab", VMID: &vmid, Source: "docker.io/library/nginx:1.27", Cores: 2, MemoryMB: 1024, SwapMB: 512, DiskGB: 10,
		Env: map[string]string{"MODE": "demo"}, SSHKeys: []string{}, IPv4: &ip, MAC: "BC:24:11:00:00:01",
		State: state, Power: power, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	h.containers.FindContainerFn = finds(domain.ObjectContainer, routeCTID, ct)
	h.containers.ListContainerServicesFn = func(_ context.Context, id uuid.UUID) ([]domain.Service, error) {
		return ctServices(id), nil
	}
	h.containers.ServicesOfFn = func(_ context.Context, ids []uuid.UUID) (map[uuid.UUID][]domain.Service, error) {
		out := map[uuid.UUID][]domain.Service{}
		for _, id := range ids {
			out[id] = ctServices(id)
		}
		return out, nil
	}
	h.grant(h.participant, domain.ObjectContainer, routeCTID, domain.OwnerKeys[domain.ObjectContainer]...)
	cora := h.addUser("cora", domain.RoleParticipant)
	h.grant(cora, domain.ObjectContainer, routeCTID, domain.CollaboratorKeys...)
	return &ctFixture{ct: ct, cora: cora}
}

func ctServices(id uuid.UUID) []domain.Service {
	return []domain.Service{
		{ID: uuid.New(), ContainerID: id, SiteID: routeSiteID, Protocol: domain.ServiceHTTP, InternalPort: 8080,
			ExternalHostname: "app.apps.example.org", Backend: domain.BackendHTTP},
		{ID: uuid.New(), ContainerID: id, SiteID: routeSiteID, Protocol: domain.ServiceTCP, InternalPort: 22, ExternalPort: ptrTo(2001)},
		{ID: uuid.New(), ContainerID: id, SiteID: routeSiteID, Protocol: domain.ServiceUDP, InternalPort: 53},
	}
}

func ptrTo[T any](v T) *T { return &v }

// validContainerRequest is a create request every check accepts.
func validContainerRequest() map[string]any {
	return map[string]any{
		"hostname": "web", "source": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
		"env": map[string]string{"MODE": "demo"},
		"services": []map[string]any{
			{"protocol": "http", "external_hostname": "app.apps.example.org", "internal_port": 8080, "backend": "https"},
			{"protocol": "tcp", "internal_port": 22},
		},
	}
}

// TestHandlerCreateContainer checks what a valid request stores and
// starts: defaults, the only site, the owner, CreateContainer under the
// container's workflow id. When Temporal refuses the start, the answer is
// 503 and the container is recorded failed.
func TestHandlerCreateContainer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		as       func(h *fakeAPI) *caller
		body     func(h *fakeAPI) map[string]any
		startErr error
		owner    func(h *fakeAPI) uuid.UUID
		want     [4]int // cores, memory, swap, disk
		audit    []string
	}{
		{"participant, defaults", participant, func(*fakeAPI) map[string]any { return validContainerRequest() },
			nil, func(h *fakeAPI) uuid.UUID { return h.participant.ID() }, [4]int{1, 512, 512, 8}, []string{"container.create"}},
		{"instructor, own shape", instructor, func(*fakeAPI) map[string]any {
			return with(validContainerRequest(), map[string]any{"cores": 4, "memory_mb": 2048, "swap_mb": 0, "disk_gb": 20, "site_id": routeSiteID})
		}, nil, func(h *fakeAPI) uuid.UUID { return h.instructor.ID() }, [4]int{4, 2048, 0, 20}, []string{"container.create"}},
		{"admin for a participant", admin, func(h *fakeAPI) map[string]any {
			return with(validContainerRequest(), map[string]any{"owner_id": h.participant.ID()})
		}, nil, func(h *fakeAPI) uuid.UUID { return h.participant.ID() }, [4]int{1, 512, 512, 8}, []string{"container.create"}},
		{"Temporal unreachable", participant, func(*fakeAPI) map[string]any { return validContainerRequest() },
			errors.New("connection refused"), func(h *fakeAPI) uuid.UUID { return h.participant.ID() }, [4]int{1, 512, 512, 8},
			[]string{"container.create", "container.update"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, _ := newContainerAPI(t, domain.GuestPending, domain.PowerUnknown)
			var stored domain.Container
			var services []domain.Service
			h.containers.CreateContainerWithOwnerFn = func(_ context.Context, c *domain.Container, s []domain.Service) ([]domain.Service, error) {
				c.ID = routeCTID
				stored, services = *c, s
				return s, nil
			}
			var failed domain.Container
			if tc.startErr != nil {
				h.containers.UpdateContainerFn = func(_ context.Context, c *domain.Container) error {
					failed = *c
					return nil
				}
			}
			ops := h.operationsInMemory()
			start := h.expectStart(workflows.CreateContainerType, tc.startErr)
			r := h.do(tc.as(h), "POST", "/api/v1/containers", tc.body(h))
			require.Equal(t, tc.owner(h), stored.OwnerID)
			require.Equal(t, routeSiteID, stored.SiteID)
			require.Equal(t, domain.GuestPending, stored.State)
			require.Equal(t, tc.want, [4]int{stored.Cores, stored.MemoryMB, stored.SwapMB, stored.DiskGB})
			require.Equal(t, map[string]string{"MODE": "demo"}, stored.Env)
			require.Len(t, services, 2)
			require.Equal(t, domain.BackendHTTPS, services[0].Backend)
			require.Equal(t, domain.ServiceTCP, services[1].Protocol)
			require.Equal(t, workflows.CreateContainerWorkflowID(routeCTID), start.options.ID)
			require.Equal(t, workflows.CreateContainerType.Queue, start.options.TaskQueue)
			in := start.input.(workflows.CreateContainerInput)
			require.Equal(t, routeCTID, in.Container)
			require.Equal(t, tc.audit, h.auditActions())
			for _, rec := range h.auditRecords() {
				raw, err := json.Marshal(rec)
				require.NoError(t, err)
				require.NotContains(t, string(raw), `"demo"`, "an environment value in the audit log")
				require.Contains(t, string(raw), `"MODE"`, "the environment's names are audited")
			}
			if tc.startErr != nil {
				e := r.requireError(t, http.StatusServiceUnavailable, domain.KindUnavailable)
				require.NotContains(t, e.Message, "connection refused")
				require.Equal(t, domain.GuestFailed, failed.State)
				require.Equal(t, domain.OpFailed, ops()[0].State)
				return
			}
			require.Equal(t, http.StatusAccepted, r.status, string(r.body))
			var op domain.Operation
			r.json(t, &op)
			require.Equal(t, "container.create", op.Kind)
			require.Equal(t, domain.ObjectContainer, op.TargetType)
			require.Equal(t, in.OperationID, op.ID)
			require.Equal(t, "/api/v1/operations/"+op.ID.String(), r.header.Get("Location"))
		})
	}
}

// TestHandlerCreateContainerRefusals covers requests refused before
// anything is stored: bad fields, someone else's container, the site
// left open with several sites, and the store's conflicts, which name
// the field.
func TestHandlerCreateContainerRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		as       func(h *fakeAPI) *caller
		body     func(h *fakeAPI) any
		setup    func(h *fakeAPI)
		storeErr error
		status   int
		fields   map[string]string
	}{
		{name: "every field wrong", as: participant, body: func(*fakeAPI) any {
			return map[string]any{"hostname": "Web_1", "source": "nginx", "cores": 0, "memory_mb": 1, "swap_mb": -1, "disk_gb": 0,
				"site_id": "campus", "ssh_keys": []string{"hello"}, "services": []map[string]any{{"protocol": "sctp", "internal_port": 0}}}
		}, status: http.StatusBadRequest, fields: map[string]string{
			"hostname": "must be a DNS label", "source": "OCI image reference", "cores": "between 1 and 64", "memory_mb": "between 64",
			"swap_mb": "between 0", "disk_gb": "between 1", "site_id": "must be a site id", "ssh_keys[0]": "one public key line",
			"services[0].protocol": "one of http, tcp, udp", "services[0].internal_port": "between 1 and 65535",
		}},
		{name: "no hostname or source", as: participant, body: func(*fakeAPI) any { return map[string]any{} },
			status: http.StatusBadRequest, fields: map[string]string{"hostname": "", "source": ""}},
		{name: "unknown site", as: participant, body: func(*fakeAPI) any {
			return with(validContainerRequest(), map[string]any{"site_id": uuid.New()})
		}, status: http.StatusBadRequest, fields: map[string]string{"site_id": "must name an existing site"}},
		{name: "no site given among several", as: participant, body: func(*fakeAPI) any { return validContainerRequest() },
			setup: func(h *fakeAPI) {
				h.sites.ListSitesFn = func(context.Context, domain.Page) ([]domain.Site, string, error) {
					return []domain.Site{storedSite(), storedSite()}, "", nil
				}
			}, status: http.StatusBadRequest, fields: map[string]string{"site_id": "is required when there is more than one site"}},
		{name: "no site at all", as: participant, body: func(*fakeAPI) any { return validContainerRequest() },
			setup: func(h *fakeAPI) {
				h.sites.ListSitesFn = func(context.Context, domain.Page) ([]domain.Site, string, error) { return nil, "", nil }
			}, status: http.StatusBadRequest, fields: map[string]string{"site_id": "no site exists yet"}},
		{name: "service fields mixed up", as: participant, body: func(*fakeAPI) any {
			return with(validContainerRequest(), map[string]any{"services": []map[string]any{
				{"protocol": "http", "internal_port": 80},
				{"protocol": "tcp", "internal_port": 22, "external_hostname": "a.apps.example.org", "backend": "http", "auth_required": true},
				{"protocol": "http", "internal_port": 80, "external_hostname": "x.apps.example.org", "backend": "ftp"},
				{"protocol": "udp", "internal_port": 53, "external_port": 70000},
			}})
		}, status: http.StatusBadRequest, fields: map[string]string{
			"services[0].external_hostname": "must be a DNS name", "services[1].external_hostname": "http services only",
			"services[1].backend": "http services only", "services[1].auth_required": "http services only",
			"services[2].backend": "http or https", "services[3].external_port": "between 1 and 65535",
		}},
		{name: "same name or port twice", as: participant, body: func(*fakeAPI) any {
			return with(validContainerRequest(), map[string]any{"services": []map[string]any{
				{"protocol": "http", "internal_port": 80, "external_hostname": "a.apps.example.org"},
				{"protocol": "http", "internal_port": 81, "external_hostname": "a.apps.example.org"},
				{"protocol": "tcp", "internal_port": 22, "external_port": 2022},
				{"protocol": "tcp", "internal_port": 23, "external_port": 2022},
				{"protocol": "udp", "internal_port": 23, "external_port": 2022},
			}})
		}, status: http.StatusBadRequest, fields: map[string]string{
			"services[1].external_hostname": "is used by services[0] too", "services[3].external_port": "is used by services[2] too",
		}},
		{name: "unknown field", as: participant, body: func(*fakeAPI) any {
			return with(validContainerRequest(), map[string]any{"privileged": true})
		}, status: http.StatusBadRequest, fields: map[string]string{"privileged": "is not a known field"}},
		{name: "env as a list", as: participant, body: func(*fakeAPI) any {
			return with(validContainerRequest(), map[string]any{"env": []string{"A=1"}})
		}, status: http.StatusBadRequest, fields: map[string]string{"env": "must be of type object"}},
		{name: "unknown owner", as: admin, body: func(*fakeAPI) any {
			return with(validContainerRequest(), map[string]any{"owner_id": uuid.New()})
		}, status: http.StatusBadRequest, fields: map[string]string{"owner_id": "must name an existing user"}},
		{name: "instructor for a participant", as: instructor, body: func(h *fakeAPI) any {
			return with(validContainerRequest(), map[string]any{"owner_id": h.participant.ID()})
		}, status: http.StatusForbidden},
		{name: "hostname taken", as: participant, body: func(*fakeAPI) any { return validContainerRequest() },
			storeErr: &domain.Error{Kind: domain.KindConflict, Message: `hostname "web" is already taken in site campus`,
				Fields: map[string]string{"hostname": "is already taken"}},
			status: http.StatusConflict, fields: map[string]string{"hostname": "is already taken"}},
		{name: "external name taken", as: participant, body: func(*fakeAPI) any { return validContainerRequest() },
			storeErr: &domain.Error{Kind: domain.KindConflict, Message: "a service's name or port is already taken",
				Fields: map[string]string{"services[0].external_hostname": "is already taken"}},
			status: http.StatusConflict, fields: map[string]string{"services[0].external_hostname": "is already taken"}},
		{name: "external name outside the site's domains", as: participant, body: func(*fakeAPI) any { return validContainerRequest() },
			storeErr: &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
				Fields: map[string]string{"services[0].external_hostname": "must be a name under one of the site's external domains"}},
			status: http.StatusBadRequest, fields: map[string]string{"services[0].external_hostname": "under one of the site's external domains"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, _ := newContainerAPI(t, domain.GuestPending, domain.PowerUnknown)
			if tc.setup != nil {
				tc.setup(h)
			}
			if tc.storeErr != nil {
				h.containers.CreateContainerWithOwnerFn = func(context.Context, *domain.Container, []domain.Service) ([]domain.Service, error) {
					return nil, tc.storeErr
				}
			}
			r := h.do(tc.as(h), "POST", "/api/v1/containers", tc.body(h))
			require.Empty(t, h.auditActions())
			switch tc.status {
			case http.StatusBadRequest:
				r.requireFields(t, tc.fields)
			case http.StatusForbidden:
				r.requireError(t, tc.status, domain.KindForbidden)
			case http.StatusConflict:
				e := r.requireError(t, tc.status, domain.KindConflict)
				require.Equal(t, tc.fields, e.Fields)
			}
		})
	}
}

// hostileValues are strings that must never reach a configuration file,
// a shell or Proxmox's env list.
var hostileValues = map[string]string{
	"semicolon": "a;b", "open brace": "a{b", "close brace": "a}b", "newline": "a\nb", "carriage return": "a\rb",
	"dollar": "a$b", "double quote": `a"b`, "single quote": "a'b", "backtick": "a`b", "NUL": "a\x00b",
	"very long": strings.Repeat("a", 5000),
}

// TestHandlerContainerRejectsHostileInput sends each hostile value in
// each field a user types that ends up in a configuration file: each is
// a 400 naming exactly that field, and nothing is stored.
func TestHandlerContainerRejectsHostileInput(t *testing.T) {
	t.Parallel()
	for _, field := range []struct {
		name  string
		field string
		body  func(v string) map[string]any
	}{
		{"hostname", "hostname", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"hostname": "web" + v})
		}},
		{"source", "source", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"source": "docker.io/library/nginx:1.27" + v})
		}},
		{"template source", "source", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"source": "local:vztmpl/debian" + v + ".tar.zst"})
		}},
		{"env value", "env.MODE", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"env": map[string]string{"MODE": v}})
		}},
		{"env name", "env.X" + "%s", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"env": map[string]string{"X" + v: "1"}})
		}},
		{"ssh key", "ssh_keys[0]", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"ssh_keys": []string{"ssh-ed25519 AAAA" + v}})
		}},
		{"external hostname", "services[0].external_hostname", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"services": []map[string]any{
				{"protocol": "http", "internal_port": 80, "external_hostname": "app" + v + ".apps.example.org"},
			}})
		}},
		{"backend", "services[0].backend", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"services": []map[string]any{
				{"protocol": "http", "internal_port": 80, "external_hostname": "app.apps.example.org", "backend": "http" + v},
			}})
		}},
		{"protocol", "services[0].protocol", func(v string) map[string]any {
			return with(validContainerRequest(), map[string]any{"services": []map[string]any{{"protocol": "tcp" + v, "internal_port": 22}}})
		}},
	} {
		for what, v := range hostileValues {
			t.Run(field.name+"/"+what, func(t *testing.T) {
				t.Parallel()
				h, _ := newContainerAPI(t, domain.GuestPending, domain.PowerUnknown)
				want := field.field
				if strings.Contains(want, "%s") {
					want = strings.ReplaceAll(want, "%s", v)
				}
				h.do(h.participant, "POST", "/api/v1/containers", field.body(v)).requireFields(t, map[string]string{want: ""})
			})
		}
	}

	t.Run("in an update", func(t *testing.T) {
		t.Parallel()
		for what, v := range hostileValues {
			h, _ := newContainerAPI(t, domain.GuestReady, domain.PowerRunning)
			h.operationsInMemory()
			body := map[string]any{"services": []map[string]any{{"protocol": "http", "internal_port": 80, "external_hostname": v + ".apps.example.org"}}}
			r := h.do(h.participant, "PATCH", ctPath, body)
			require.Equal(t, http.StatusBadRequest, r.status, what)
			r.requireFields(t, map[string]string{"services[0].external_hostname": ""})
		}
	})
}

// TestHandlerContainerView checks what a container shows: its status,
// DNS name, node and the public address of each service.
func TestHandlerContainerView(t *testing.T) {
	t.Parallel()
	h, _ := newContainerAPI(t, domain.GuestReady, domain.PowerRunning)
	r := h.do(h.participant, "GET", ctPath, nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	var got map[string]any
	r.json(t, &got)
	require.Equal(t, "running", got["status"])
	require.Equal(t, "web.lab.example.org", got["dns_name"])
	require.Equal(t, "pve1", got["node"])
	require.Equal(t, "10.20.0.100", got["ipv4"])
	require.Equal(t, "BC:24:11:00:00:01", got["mac"])
	require.Equal(t, float64(120), got["vmid"])
	require.Equal(t, map[string]any{"cores": float64(2), "memory_mb": float64(1024), "swap_mb": float64(512), "disk_gb": float64(10)}, got["resources"])
	var addrs []any
	for _, s := range got["services"].([]any) {
		addrs = append(addrs, s.(map[string]any)["public_address"])
	}
	require.Equal(t, []any{"https://app.apps.example.org/", "192.0.2.10:2001", nil}, addrs)

	t.Run("before placement", func(t *testing.T) {
		t.Parallel()
		h, f := newContainerAPI(t, domain.GuestPending, domain.PowerUnknown)
		ct := f.ct
		ct.NodeID, ct.VMID, ct.IPv4, ct.MAC, ct.Env, ct.SSHKeys = nil, nil, nil, "", nil, nil
		h.containers.FindContainerFn = finds(domain.ObjectContainer, routeCTID, ct)
		var got map[string]any
		h.do(h.participant, "GET", ctPath, nil).json(t, &got)
		require.Equal(t, "creating", got["status"])
		for _, k := range []string{"node", "vmid", "ipv4", "mac"} {
			require.Nil(t, got[k], k)
		}
		require.Equal(t, map[string]any{}, got["env"])
		require.Equal(t, []any{}, got["ssh_keys"])
	})
}

// TestHandlerListContainers checks that a caller without read on every
// container lists only those visible to them, and the filters.
func TestHandlerListContainers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		as      func(h *fakeAPI) *caller
		query   string
		visible bool
		status  domain.ContainerStatus
	}{
		{"participant", participant, "", true, ""},
		{"admin", admin, "", false, ""},
		{"admin, stopped ones of a site and owner", admin, "?status=stopped&site=" + routeSiteID.String() + "&owner=" + routeUserID.String(), false, domain.ContainerStopped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newContainerAPI(t, domain.GuestReady, domain.PowerStopped)
			var filter domain.ContainerFilter
			h.containers.ListContainersFn = func(_ context.Context, cf domain.ContainerFilter) ([]domain.Container, string, error) {
				filter = cf
				return []domain.Container{f.ct}, "", nil
			}
			c := tc.as(h)
			r := h.do(c, "GET", "/api/v1/containers"+tc.query, nil)
			require.Equal(t, http.StatusOK, r.status, string(r.body))
			var list struct{ Items []map[string]any }
			r.json(t, &list)
			require.Len(t, list.Items, 1)
			require.Equal(t, "stopped", list.Items[0]["status"])
			if tc.visible {
				require.Equal(t, c.ID(), *filter.VisibleTo)
			} else {
				require.Nil(t, filter.VisibleTo)
			}
			require.Equal(t, tc.status, filter.Status)
			if tc.query != "" {
				require.Equal(t, routeSiteID, *filter.SiteID)
				require.Equal(t, routeUserID, *filter.OwnerID)
			}
		})
	}

	t.Run("bad filters", func(t *testing.T) {
		t.Parallel()
		h := newFakeAPI(t)
		h.do(h.participant, "GET", "/api/v1/containers?status=ready&site=campus&owner=pat&limit=0", nil).
			requireFields(t, map[string]string{"limit": ""})
		h.do(h.participant, "GET", "/api/v1/containers?status=ready&site=campus&owner=pat", nil).
			requireFields(t, map[string]string{"status": "creating, running", "site": "site id", "owner": "user id"})
	})
}

// TestHandlerContainerPermissions checks who may do what to the
// participant's container: a stranger gets 404 whatever they ask, the
// collaborator may operate it but not delete it or manage collaborators.
func TestHandlerContainerPermissions(t *testing.T) {
	t.Parallel()
	stranger := func(h *fakeAPI) *caller { return h.addUser("sam", domain.RoleParticipant) }
	var cora func(h *fakeAPI) *caller // set per test from the fixture
	for _, tc := range []struct {
		name   string
		as     string // stranger, owner, cora, admin, instructor
		method string
		path   string
		body   any
		status int
		starts workflows.Type
	}{
		{"stranger reads", "stranger", "GET", ctPath, nil, http.StatusNotFound, workflows.Type{}},
		{"stranger starts", "stranger", "POST", ctPath + "/start", nil, http.StatusNotFound, workflows.Type{}},
		{"stranger updates", "stranger", "PATCH", ctPath, map[string]any{"cores": 2}, http.StatusNotFound, workflows.Type{}},
		{"stranger deletes", "stranger", "DELETE", ctPath, nil, http.StatusNotFound, workflows.Type{}},
		{"stranger lists collaborators", "stranger", "GET", ctPath + "/collaborators", nil, http.StatusNotFound, workflows.Type{}},
		{"stranger reads a malformed id", "stranger", "GET", "/api/v1/containers/web", nil, http.StatusNotFound, workflows.Type{}},
		{"instructor reads", "instructor", "GET", ctPath, nil, http.StatusNotFound, workflows.Type{}},
		{"owner reads", "owner", "GET", ctPath, nil, http.StatusOK, workflows.Type{}},
		{"owner restarts", "owner", "POST", ctPath + "/restart", nil, http.StatusAccepted, workflows.ContainerActionType},
		{"owner deletes", "owner", "DELETE", ctPath, nil, http.StatusAccepted, workflows.DeleteContainerType},
		{"owner lists collaborators", "owner", "GET", ctPath + "/collaborators", nil, http.StatusOK, workflows.Type{}},
		{"collaborator reads", "cora", "GET", ctPath, nil, http.StatusOK, workflows.Type{}},
		{"collaborator starts", "cora", "POST", ctPath + "/start", nil, http.StatusAccepted, workflows.ContainerActionType},
		{"collaborator stops", "cora", "POST", ctPath + "/stop", nil, http.StatusAccepted, workflows.ContainerActionType},
		{"collaborator updates", "cora", "PATCH", ctPath, map[string]any{"memory_mb": 2048}, http.StatusAccepted, workflows.UpdateContainerType},
		{"collaborator deletes", "cora", "DELETE", ctPath, nil, http.StatusForbidden, workflows.Type{}},
		{"collaborator lists collaborators", "cora", "GET", ctPath + "/collaborators", nil, http.StatusForbidden, workflows.Type{}},
		{"collaborator adds a collaborator", "cora", "POST", ctPath + "/collaborators", map[string]any{"user_id": routeUserID}, http.StatusForbidden, workflows.Type{}},
		{"collaborator removes one", "cora", "DELETE", ctPath + "/collaborators/" + routeUserID.String(), nil, http.StatusForbidden, workflows.Type{}},
		{"admin reads", "admin", "GET", ctPath, nil, http.StatusOK, workflows.Type{}},
		{"admin deletes", "admin", "DELETE", ctPath, nil, http.StatusAccepted, workflows.DeleteContainerType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newContainerAPI(t, domain.GuestReady, domain.PowerRunning)
			cora = func(*fakeAPI) *caller { return f.cora }
			callers := map[string]func(h *fakeAPI) *caller{"stranger": stranger, "owner": participant, "cora": cora, "admin": admin, "instructor": instructor}
			h.containers.ListCollaboratorsFn = func(context.Context, uuid.UUID) ([]domain.Collaborator, error) {
				return []domain.Collaborator{{UserID: f.cora.ID(), Username: "cora", AddedAt: time.Now()}}, nil
			}
			if tc.starts.Name != "" {
				h.operationsInMemory()
				h.expectStart(tc.starts, nil)
			}
			r := h.do(callers[tc.as](h), tc.method, tc.path, tc.body)
			r.requireStatus(t, tc.status)
		})
	}
}

// TestHandlerUpdateContainer checks what an update replaces and starts,
// and what it refuses.
func TestHandlerUpdateContainer(t *testing.T) {
	t.Parallel()
	t.Run("resources and services", func(t *testing.T) {
		t.Parallel()
		h, _ := newContainerAPI(t, domain.GuestReady, domain.PowerStopped)
		var replaced []domain.Service
		h.containers.ReplaceContainerServicesFn = func(_ context.Context, id uuid.UUID, s []domain.Service) ([]domain.Service, error) {
			replaced = s
			return s, nil
		}
		h.operationsInMemory()
		start := h.expectStart(workflows.UpdateContainerType, nil)
		r := h.do(h.participant, "PATCH", ctPath, map[string]any{"cores": 4, "disk_gb": 12,
			"services": []map[string]any{{"protocol": "udp", "internal_port": 53, "external_port": 2053}}})
		require.Equal(t, http.StatusAccepted, r.status, string(r.body))
		require.Len(t, replaced, 1)
		require.Equal(t, 2053, *replaced[0].ExternalPort)
		require.Equal(t, workflows.ContainerOpWorkflowID(routeCTID), start.options.ID)
		in := start.input.(workflows.UpdateContainerInput)
		require.Equal(t, workflows.ContainerResources{Cores: ptrTo(4), DiskGB: ptrTo(12)}, in.Resources)
		require.True(t, in.ServicesChanged)
		require.Equal(t, []string{"container.update"}, h.auditActions())
	})

	t.Run("resources only", func(t *testing.T) {
		t.Parallel()
		h, _ := newContainerAPI(t, domain.GuestReady, domain.PowerRunning)
		h.operationsInMemory()
		start := h.expectStart(workflows.UpdateContainerType, nil)
		r := h.do(h.participant, "PATCH", ctPath, map[string]any{"swap_mb": 0})
		require.Equal(t, http.StatusAccepted, r.status, string(r.body))
		in := start.input.(workflows.UpdateContainerInput)
		require.Equal(t, workflows.ContainerResources{SwapMB: ptrTo(0)}, in.Resources)
		require.False(t, in.ServicesChanged)
	})

	t.Run("Temporal unreachable puts the services back", func(t *testing.T) {
		t.Parallel()
		h, _ := newContainerAPI(t, domain.GuestReady, domain.PowerRunning)
		var calls [][]domain.Service
		h.containers.ReplaceContainerServicesFn = func(_ context.Context, _ uuid.UUID, s []domain.Service) ([]domain.Service, error) {
			calls = append(calls, s)
			return s, nil
		}
		h.operationsInMemory()
		h.expectStart(workflows.UpdateContainerType, errors.New("connection refused"))
		r := h.do(h.participant, "PATCH", ctPath, map[string]any{"services": []map[string]any{}})
		r.requireError(t, http.StatusServiceUnavailable, domain.KindUnavailable)
		require.Len(t, calls, 2)
		require.Empty(t, calls[0])
		require.Len(t, calls[1], 3, "the old services, back on their ports")
		require.Equal(t, 2001, *calls[1][1].ExternalPort)
		require.Empty(t, h.auditActions())
	})

	t.Run("a refused service change fails the operation", func(t *testing.T) {
		t.Parallel()
		h, _ := newContainerAPI(t, domain.GuestReady, domain.PowerRunning)
		h.containers.ReplaceContainerServicesFn = func(context.Context, uuid.UUID, []domain.Service) ([]domain.Service, error) {
			return nil, &domain.Error{Kind: domain.KindConflict, Message: "a service's name or port is already taken",
				Fields: map[string]string{"services[0].external_port": "is already taken"}}
		}
		ops := h.operationsInMemory()
		r := h.do(h.participant, "PATCH", ctPath, map[string]any{"services": []map[string]any{{"protocol": "tcp", "internal_port": 22, "external_port": 2002}}})
		r.requireStatus(t, http.StatusConflict)
		require.Len(t, ops(), 1)
		require.Equal(t, domain.OpFailed, ops()[0].State)
		require.Contains(t, ops()[0].Error, "the request was refused: a service's name or port is already taken")
	})

	t.Run("a concurrent update is refused before it changes the services", func(t *testing.T) {
		t.Parallel()
		h, _ := newContainerAPI(t, domain.GuestReady, domain.PowerRunning)
		other := domain.Operation{ID: uuid.New(), Kind: "container.update", TargetType: domain.ObjectContainer, TargetID: routeCTID.String(),
			WorkflowID: workflows.ContainerOpWorkflowID(routeCTID), State: domain.OpPending, CreatedAt: time.Now()}
		h.operationsInMemory(other)
		list := h.operations.ListOperationsFn
		calls := 0
		// The other update records its operation just after this one checked.
		h.operations.ListOperationsFn = func(ctx context.Context, f domain.OperationFilter) ([]domain.Operation, string, error) {
			if calls++; calls == 1 {
				return nil, "", nil
			}
			return list(ctx, f)
		}
		h.containers.ReplaceContainerServicesFn = func(context.Context, uuid.UUID, []domain.Service) ([]domain.Service, error) {
			t.Error("services replaced while another operation holds the container")
			return nil, nil
		}
		r := h.do(h.participant, "PATCH", ctPath, map[string]any{"services": []map[string]any{}})
		e := r.requireStatus(t, http.StatusConflict)
		require.Equal(t, "operation "+other.ID.String()+" (container.update) is in progress for this container", e.Message)
	})

	busy := domain.Operation{ID: uuid.New(), Kind: "container.stop", TargetType: domain.ObjectContainer, TargetID: routeCTID.String(),
		WorkflowID: workflows.ContainerOpWorkflowID(routeCTID), State: domain.OpRunning}
	for _, tc := range []struct {
		name     string
		state    domain.GuestState
		body     any
		ops      []domain.Operation
		storeErr error
		status   int
		fields   map[string]string
		message  string
	}{
		{name: "smaller disk", state: domain.GuestReady, body: map[string]any{"disk_gb": 9},
			status: http.StatusBadRequest, fields: map[string]string{"disk_gb": "must not be smaller than the current 10 GB"}},
		{name: "bad resources", state: domain.GuestReady, body: map[string]any{"cores": 0, "memory_mb": 1 << 20, "swap_mb": -1},
			status: http.StatusBadRequest, fields: map[string]string{"cores": "", "memory_mb": "", "swap_mb": ""}},
		{name: "nothing to change", state: domain.GuestReady, body: map[string]any{},
			status: http.StatusBadRequest, message: "the request changes nothing"},
		{name: "unknown field", state: domain.GuestReady, body: map[string]any{"hostname": "other"},
			status: http.StatusBadRequest, fields: map[string]string{"hostname": "is not a known field"}},
		{name: "port taken", state: domain.GuestReady,
			body: map[string]any{"services": []map[string]any{{"protocol": "tcp", "internal_port": 22, "external_port": 2002}}},
			storeErr: &domain.Error{Kind: domain.KindConflict, Message: "a service's name or port is already taken",
				Fields: map[string]string{"services[0].external_port": "is already taken"}},
			status: http.StatusConflict, fields: map[string]string{"services[0].external_port": "is already taken"}},
		{name: "while creating", state: domain.GuestProvisioning, body: map[string]any{"cores": 2},
			status: http.StatusConflict, message: "container web is creating, not running or stopped"},
		{name: "failed", state: domain.GuestFailed, body: map[string]any{"cores": 2},
			status: http.StatusConflict, message: "container web is failed"},
		{name: "operation in progress", state: domain.GuestReady, body: map[string]any{"cores": 2}, ops: []domain.Operation{busy},
			status: http.StatusConflict, message: "operation " + busy.ID.String() + " (container.stop) is in progress for this container"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, _ := newContainerAPI(t, tc.state, domain.PowerRunning)
			h.operationsInMemory(tc.ops...)
			if len(tc.ops) > 0 {
				h.expectDescribe(busy.WorkflowID, 1) // running
			}
			if tc.storeErr != nil {
				h.containers.ReplaceContainerServicesFn = func(context.Context, uuid.UUID, []domain.Service) ([]domain.Service, error) {
					return nil, tc.storeErr
				}
			}
			r := h.do(h.participant, "PATCH", ctPath, tc.body)
			require.Empty(t, h.auditActions())
			switch {
			case tc.status == http.StatusBadRequest && tc.fields != nil:
				r.requireFields(t, tc.fields)
			default:
				e := r.requireStatus(t, tc.status)
				require.Contains(t, e.Message, tc.message)
				if tc.fields != nil {
					require.Equal(t, tc.fields, e.Fields)
				}
			}
		})
	}
}

// TestHandlerContainerActionsAndDelete checks the operations actions and
// deletion start, and their 409s.
func TestHandlerContainerActionsAndDelete(t *testing.T) {
	t.Parallel()
	busy := domain.Operation{ID: uuid.New(), Kind: "container.update", TargetType: domain.ObjectContainer, TargetID: routeCTID.String(),
		WorkflowID: workflows.ContainerOpWorkflowID(routeCTID), State: domain.OpRunning}
	for _, tc := range []struct {
		name    string
		state   domain.GuestState
		ops     []domain.Operation
		method  string
		path    string
		starts  workflows.Type
		status  int
		message string
	}{
		{name: "stop", state: domain.GuestReady, method: "POST", path: ctPath + "/stop", starts: workflows.ContainerActionType, status: http.StatusAccepted},
		{name: "delete a failed one", state: domain.GuestFailed, method: "DELETE", path: ctPath, starts: workflows.DeleteContainerType, status: http.StatusAccepted},
		{name: "delete a missing one", state: domain.GuestMissing, method: "DELETE", path: ctPath, starts: workflows.DeleteContainerType, status: http.StatusAccepted},
		{name: "start while creating", state: domain.GuestPending, method: "POST", path: ctPath + "/start",
			status: http.StatusConflict, message: "container web is creating"},
		{name: "start a missing one", state: domain.GuestMissing, method: "POST", path: ctPath + "/start",
			status: http.StatusConflict, message: "container web is missing"},
		{name: "restart while busy", state: domain.GuestReady, ops: []domain.Operation{busy}, method: "POST", path: ctPath + "/restart",
			status: http.StatusConflict, message: "operation " + busy.ID.String() + " (container.update) is in progress for this container"},
		{name: "delete while busy", state: domain.GuestReady, ops: []domain.Operation{busy}, method: "DELETE", path: ctPath,
			status: http.StatusConflict, message: "is in progress for this container"},
		{name: "delete while deleting", state: domain.GuestDeleting, method: "DELETE", path: ctPath,
			status: http.StatusConflict, message: "container web is already deleting"},
		{name: "delete after deletion", state: domain.GuestDeleted, method: "DELETE", path: ctPath,
			status: http.StatusConflict, message: "container web is already deleted"},
		{name: "unknown action", state: domain.GuestReady, method: "POST", path: ctPath + "/explode", status: http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, _ := newContainerAPI(t, tc.state, domain.PowerRunning)
			ops := h.operationsInMemory(tc.ops...)
			if len(tc.ops) > 0 {
				h.expectDescribe(busy.WorkflowID, 1) // running
			}
			var start *startCall
			if tc.starts.Name != "" {
				start = h.expectStart(tc.starts, nil)
			}
			r := h.do(h.participant, tc.method, tc.path, nil)
			switch tc.status {
			case http.StatusAccepted:
				require.Equal(t, tc.status, r.status, string(r.body))
				require.Len(t, ops(), 1)
				require.Equal(t, start.options.ID, ops()[0].WorkflowID)
				require.Len(t, h.auditActions(), 1)
			case http.StatusNotFound:
				r.requireError(t, tc.status, domain.KindNotFound)
			default:
				e := r.requireError(t, tc.status, domain.KindConflict)
				require.Contains(t, e.Message, tc.message)
				require.Empty(t, h.auditActions())
			}
		})
	}

	t.Run("inputs and workflow ids", func(t *testing.T) {
		t.Parallel()
		h, _ := newContainerAPI(t, domain.GuestReady, domain.PowerStopped)
		h.operationsInMemory()
		start := h.expectStart(workflows.ContainerActionType, nil)
		require.Equal(t, http.StatusAccepted, h.do(h.participant, "POST", ctPath+"/restart", nil).status)
		require.Equal(t, workflows.ContainerOpWorkflowID(routeCTID), start.options.ID)
		require.Equal(t, workflows.ContainerRestart, start.input.(workflows.ContainerActionInput).Action)
		require.Equal(t, []string{"container.restart"}, h.auditActions())

		h2, _ := newContainerAPI(t, domain.GuestReady, domain.PowerStopped)
		h2.operationsInMemory()
		del := h2.expectStart(workflows.DeleteContainerType, nil)
		require.Equal(t, http.StatusAccepted, h2.do(h2.participant, "DELETE", ctPath, nil).status)
		require.Equal(t, workflows.DeleteContainerWorkflowID(routeCTID), del.options.ID)
		require.Equal(t, routeCTID, del.input.(workflows.DeleteContainerInput).Container)
		require.Equal(t, []string{"container.delete"}, h2.auditActions())
	})
}

// TestHandlerContainerCollaborators checks adding, listing and removing
// collaborators as the owner.
func TestHandlerContainerCollaborators(t *testing.T) {
	t.Parallel()
	h, f := newContainerAPI(t, domain.GuestReady, domain.PowerRunning)
	dan := h.addUser("dan", domain.RoleParticipant)
	collaborators := map[uuid.UUID]domain.Collaborator{f.cora.ID(): {UserID: f.cora.ID(), Username: "cora", AddedAt: time.Now()}}
	h.containers.ListCollaboratorsFn = func(context.Context, uuid.UUID) ([]domain.Collaborator, error) {
		var out []domain.Collaborator
		for _, c := range collaborators {
			out = append(out, c)
		}
		return out, nil
	}
	h.containers.AddCollaboratorFn = func(_ context.Context, id, userID uuid.UUID) error {
		require.Equal(t, routeCTID, id)
		switch userID {
		case dan.ID():
			collaborators[userID] = domain.Collaborator{UserID: userID, Username: "dan", AddedAt: time.Now()}
			return nil
		case h.participant.ID():
			return &domain.Error{Kind: domain.KindInvalid, Message: "the owner cannot be a collaborator of their own container",
				Fields: map[string]string{"user_id": "is the container's owner"}}
		}
		return &domain.Error{Kind: domain.KindInvalid, Message: "no such user", Fields: map[string]string{"user_id": "must name an existing user"}}
	}
	h.containers.RemoveCollaboratorFn = func(_ context.Context, _, userID uuid.UUID) error {
		if _, ok := collaborators[userID]; !ok {
			return domain.NotFoundf("user %s is no collaborator", userID)
		}
		delete(collaborators, userID)
		return nil
	}

	r := h.do(h.participant, "POST", ctPath+"/collaborators", map[string]any{"user_id": dan.ID()})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	var added domain.Collaborator
	r.json(t, &added)
	require.Equal(t, "dan", added.Username)

	h.do(h.participant, "POST", ctPath+"/collaborators", map[string]any{"user_id": "dan"}).
		requireFields(t, map[string]string{"user_id": "must be a user id"})
	h.do(h.participant, "POST", ctPath+"/collaborators", map[string]any{"user_id": h.participant.ID()}).
		requireFields(t, map[string]string{"user_id": "is the container's owner"})
	h.do(h.admin, "POST", ctPath+"/collaborators", map[string]any{"user_id": uuid.New()}).
		requireFields(t, map[string]string{"user_id": "must name an existing user"})

	var list struct{ Items []domain.Collaborator }
	r = h.do(h.participant, "GET", ctPath+"/collaborators", nil)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	r.json(t, &list)
	require.Len(t, list.Items, 2)

	require.Equal(t, http.StatusNoContent, h.do(h.admin, "DELETE", ctPath+"/collaborators/"+dan.ID().String(), nil).status)
	h.do(h.participant, "DELETE", ctPath+"/collaborators/"+dan.ID().String(), nil).requireError(t, http.StatusNotFound, domain.KindNotFound)
	h.do(h.participant, "DELETE", ctPath+"/collaborators/dan", nil).requireError(t, http.StatusNotFound, domain.KindNotFound)
	require.Equal(t, []string{"container.collaborator.add", "container.collaborator.remove"}, h.auditActions())
}

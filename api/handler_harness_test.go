package api_test

// The handler tests (TestHandler*) run the API's own router over the
// in-memory fakes of internal/mock and the Temporal SDK's mock client: no
// database, no Temporal server, no port. They cover validation, permission
// and error-mapping paths in milliseconds (go test -run '^TestHandler'
// ./api/ runs only them); the end-to-end tests in this package cover the
// same API on the real stack.

import (
	"context"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/mocks"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/api"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/auth"
	"github.com/labforge/labforge/internal/mock"
	"github.com/labforge/labforge/internal/secrets"
	"github.com/labforge/labforge/web"
)

// testEventDefaults are the fakeAPI's configured event defaults.
var testEventDefaults = domain.EventDefaults{LeadTime: 30 * time.Minute, TransitionPeriod: 72 * time.Hour}

// testKeyring is the fakeAPI's LABFORGE_SECRET_KEY.
func testKeyring(t *testing.T) *secrets.Keyring {
	t.Helper()
	k, err := secrets.NewKey("test1", []byte(strings.Repeat("k", secrets.KeySize)))
	require.NoError(t, err)
	r, err := secrets.NewKeyring(k)
	require.NoError(t, err)
	return r
}

// fakeAPI is an api.Server whose stores are internal/mock fakes and whose
// Temporal client is the SDK's mock, with real access tokens. Its users,
// permissions and audit log work out of the box (see newFakeAPI); a test
// sets the Fn fields of the other fakes it expects the handler to call,
// and any other store call fails the request with 500 and the fake's
// message in the test log. A Temporal call the test did not expect with
// temporal.On fails the test. Every response is checked against
// api/openapi.yaml, as on the real stack.
type fakeAPI struct {
	t        *testing.T
	server   *api.Server
	tokens   *auth.Tokens
	logs     *apptest.SyncBuffer
	temporal *mocks.Client
	// skipContract turns off the check of responses against
	emails *mock.EmailStore
	// api/openapi.yaml, for tests that make a store fail in ways its
	// route cannot: the contract documents each route's real statuses.
	skipContract bool
	// accountStore keeps invitations and reset links; tests set its Fn fields.
	accountStore *mock.AccountStore
	// identities provisions LDAP and OIDC sign-ins; tests set its Fn field.
	identities *mock.IdentityStore

	users        *mock.UserStore
	permissions  *mock.PermissionStore
	operations   *mock.OperationStore
	nodes        *mock.NodeStore
	sites        *mock.SiteStore
	extDomains   *mock.ExternalDomainStore
	templates    *mock.TemplateStore
	vms          *mock.VMStore
	containers   *mock.ContainerStore
	systemEvents *mock.SystemEventLog
	// auditLog is what GET /audit reads; tests set ListAuditFn. Records
	// written through the outbox land in audit.
	auditLog     *mock.AuditLog
	groups       *mock.GroupStore
	environments *mock.EnvironmentStore
	events       *mock.EventStore
	// capacity plans on no nodes and no other events unless a test sets
	// its Fn fields (see newFakeAPI).
	capacity *mock.CapacityStore
	// eventActivity keeps the timeline entries in timeline.
	eventActivity *mock.EventActivityLog
	// keys seals connection passwords, as LABFORGE_SECRET_KEY does.
	keys *secrets.Keyring
	// apiKeys and idempotency keep API keys and Idempotency-Keys in
	// memory (see fakeAPIKeys and fakeIdempotency).
	apiKeys     *mock.APIKeyStore
	idempotency *mock.IdempotencyStore

	// The callers every fakeAPI has: an administrator, an instructor and
	// a participant, holding the seed permissions of their roles only.
	admin, instructor, participant *caller

	mu       sync.Mutex
	accounts map[uuid.UUID]*domain.User
	grants   []domain.Permission
	audit    []domain.AuditRecord
	timeline []domain.EventActivity
}

// caller is a signed-in user of a fakeAPI.
type caller struct {
	user  *domain.User
	token string
}

// ID returns the caller's user id.
func (c *caller) ID() uuid.UUID { return c.user.ID }

// The callers of a fakeAPI, for tables.
func admin(h *fakeAPI) *caller       { return h.admin }
func instructor(h *fakeAPI) *caller  { return h.instructor }
func participant(h *fakeAPI) *caller { return h.participant }

// newFakeAPI builds the API over fresh fakes for t. UserStore.FindUserByID
// finds the fakeAPI's accounts, PermissionStore.PermissionsFor returns the
// seed permissions plus those grant added (domain.Authorize ignores the
// ones that do not apply), and AuditOutbox.Audited runs the change and
// keeps its record for auditActions. The log is printed when t fails.
func newFakeAPI(t *testing.T) *fakeAPI {
	t.Helper()
	return buildFakeAPI(t, testKeyring(t))
}

// newFakeAPIWithoutKeys is newFakeAPI on a server without
// LABFORGE_SECRET_KEY.
func newFakeAPIWithoutKeys(t *testing.T) *fakeAPI {
	t.Helper()
	return buildFakeAPI(t, nil)
}

// newFakeAPIWith is newFakeAPI with deps adjusted by change before the
// server is built (LDAP, OIDC providers).
func newFakeAPIWith(t *testing.T, change func(*api.Deps)) *fakeAPI {
	t.Helper()
	return buildFakeAPI(t, testKeyring(t), change)
}

func buildFakeAPI(t *testing.T, keys *secrets.Keyring, changes ...func(*api.Deps)) *fakeAPI {
	t.Helper()
	h := &fakeAPI{
		t:            t,
		tokens:       auth.NewTokens(strings.Repeat("fake-api-secret-", 3), time.Hour),
		logs:         &apptest.SyncBuffer{},
		temporal:     mocks.NewClient(t),
		users:        &mock.UserStore{},
		permissions:  &mock.PermissionStore{},
		operations:   &mock.OperationStore{},
		nodes:        &mock.NodeStore{},
		sites:        &mock.SiteStore{},
		extDomains:   &mock.ExternalDomainStore{},
		templates:    &mock.TemplateStore{},
		vms:          &mock.VMStore{},
		containers:   &mock.ContainerStore{},
		systemEvents: &mock.SystemEventLog{},
		emails:       &mock.EmailStore{},
		accountStore: &mock.AccountStore{},
		identities:   &mock.IdentityStore{},
		groups:       &mock.GroupStore{},
		environments: &mock.EnvironmentStore{},
		events:       &mock.EventStore{},
		capacity:     fakeCapacity(),
		keys:         keys,
		accounts:     map[uuid.UUID]*domain.User{},
		apiKeys:      fakeAPIKeys(),
		idempotency:  fakeIdempotency(),
	}
	h.users.FindUserByIDFn = func(_ context.Context, id uuid.UUID) (*domain.User, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		if u, ok := h.accounts[id]; ok {
			cp := *u
			return &cp, nil
		}
		return nil, domain.NotFoundf("user %s not found", id)
	}
	h.permissions.PermissionsForFn = func(context.Context, domain.Subject, domain.ObjectRef) ([]domain.Permission, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		return append(append([]domain.Permission{}, domain.SeedPermissions...), h.grants...), nil
	}
	h.auditLog = &mock.AuditLog{}
	outbox := &mock.AuditOutbox{AuditedFn: func(ctx context.Context, change func(context.Context) (*domain.AuditRecord, error)) error {
		rec, err := change(ctx)
		if err != nil || rec == nil {
			return err
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		rec.ID, rec.Time = uuid.NewString(), time.Now().UTC().Truncate(time.Millisecond)
		h.audit = append(h.audit, *rec)
		return nil
	}}
	h.eventActivity = &mock.EventActivityLog{
		RecordEventActivityFn: func(_ context.Context, a *domain.EventActivity) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.timeline = append(h.timeline, *a)
			return nil
		},
		ListEventActivityFn: func(_ context.Context, f domain.EventActivityFilter) ([]domain.EventActivity, string, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			var out []domain.EventActivity
			for _, a := range h.timeline {
				if a.EventID == f.EventID && (f.VisibleTo == nil || a.UserID == nil || *a.UserID == *f.VisibleTo) {
					out = append(out, a)
				}
			}
			return out, "", nil
		},
	}
	deps := api.Deps{
		Users: h.users, Permissions: h.permissions, Operations: h.operations, Audit: h.auditLog, Outbox: outbox,
		Nodes: h.nodes, Sites: h.sites, ExternalDomains: h.extDomains, Templates: h.templates, VMs: h.vms,
		Containers: h.containers, SystemEvents: h.systemEvents, Emails: h.emails, Accounts: h.accountStore,
		Identities: h.identities, APIKeys: h.apiKeys, Idempotency: h.idempotency,
		PublicURL: "https://labforge.example.org/", Groups: h.groups, Environments: h.environments, Events: h.events, Secrets: h.keys, EventDefaults: testEventDefaults,
		Capacity: h.capacity, CloneCapPerStorage: 4, EventActivity: h.eventActivity, Temporal: h.temporal, Tokens: h.tokens, Metrics: prometheus.NewRegistry(),
		Queues:  activities.StandardQueues,
		Logger:  slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Console: web.NewHandler(testConsole),
	}
	for _, change := range changes {
		change(&deps)
	}
	h.server = api.New(deps)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("API log:\n%s", h.logs.String())
		}
	})
	h.admin = h.addUser("admin", domain.RoleAdmin)
	h.instructor = h.addUser("ines", domain.RoleInstructor)
	h.participant = h.addUser("pat", domain.RoleParticipant)
	return h
}

// addUser creates an enabled local account with one role and signs it in.
func (h *fakeAPI) addUser(username, role string) *caller {
	h.t.Helper()
	u := &domain.User{ID: uuid.New(), Username: username, Email: username + "@example.org",
		Source: domain.AuthLocal, Roles: []string{role}, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	token, _, err := h.tokens.Issue(u.ID, u.Username, u.Roles, u.TokenVersion)
	require.NoError(h.t, err)
	h.mu.Lock()
	h.accounts[u.ID] = u
	h.mu.Unlock()
	return &caller{user: u, token: token}
}

// addAccount adds u to the accounts the fake UserStore finds.
func (h *fakeAPI) addAccount(u *domain.User) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.accounts[u.ID] = u
}

// grant lets c hold keys on the object of objectType with id (every object
// of the type when id is uuid.Nil).
func (h *fakeAPI) grant(c *caller, objectType string, id uuid.UUID, keys ...domain.Key) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, k := range keys {
		p := domain.Permission{ID: uuid.New(), ObjectType: objectType, Key: k, UserID: &c.user.ID}
		if id != uuid.Nil {
			p.ObjectID = &id
		}
		h.grants = append(h.grants, p)
	}
}

// auditRecords returns the audit records written so far.
func (h *fakeAPI) auditRecords() []domain.AuditRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]domain.AuditRecord{}, h.audit...)
}

// auditActions returns the actions of the audit records written so far.
func (h *fakeAPI) auditActions() []string {
	var out []string
	for _, rec := range h.auditRecords() {
		out = append(out, rec.Action)
	}
	return out
}

// finds returns a find function that knows one object of objectType, by
// id, and hands out a copy of it each time (handlers change what they
// load). For any other id it fails as the store does.
func finds[T any](objectType string, id uuid.UUID, obj T) func(context.Context, uuid.UUID) (*T, error) {
	return func(_ context.Context, got uuid.UUID) (*T, error) {
		if got != id {
			return nil, domain.NotFoundf("%s %s not found", objectType, got)
		}
		cp := obj
		return &cp, nil
	}
}

// with returns a copy of base with changes applied; a nil value removes
// the key.
func with(base, changes map[string]any) map[string]any {
	out := maps.Clone(base)
	for k, v := range changes {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// fakeCapacity is a CapacityStore with no nodes, no planned events and
// events that need no VMs.
func fakeCapacity() *mock.CapacityStore {
	return &mock.CapacityStore{
		CapacityNodesFn: func(context.Context) ([]domain.CapacityNode, error) { return nil, nil },
		PlannedEventsFn: func(context.Context, time.Time, time.Time, time.Duration) ([]domain.PlannedEvent, error) {
			return nil, nil
		},
		EventDemandFn: func(_ context.Context, e *domain.Event, lead time.Duration) (*domain.PlannedEvent, error) {
			return &domain.PlannedEvent{ID: e.ID, Name: e.Name, StartsAt: e.StartsAt, EndsAt: e.EndsAt,
				DeployAt: e.StartsAt.Add(-e.EffectiveLeadTime(domain.EventDefaults{LeadTime: lead}))}, nil
		},
	}
}

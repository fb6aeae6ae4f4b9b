package api

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
	"github.com/labforge/labforge/internal/secrets"
	"github.com/labforge/labforge/workflows"
)

// OpenAPISpec is the API contract, served at /api/v1/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPISpec []byte

// Check is one readiness probe: a named dependency and how to reach it.
type Check struct {
	Name  string
	Probe func(ctx context.Context) error
}

// Deps is everything the API needs. All fields are required except those
// marked optional.
type Deps struct {
	Users       domain.UserStore
	Permissions domain.PermissionStore
	Operations  domain.OperationStore
	Audit       domain.AuditLog
	Nodes       domain.NodeStore
	Sites       domain.SiteStore
	// ExternalDomains keeps the sites' external domains.
	ExternalDomains domain.ExternalDomainStore
	Templates       domain.TemplateStore
	VMs             domain.VMStore
	Containers      domain.ContainerStore
	Groups          domain.GroupStore
	Environments    domain.EnvironmentStore
	Events          domain.EventStore
	// Secrets seals connection passwords; nil (no LABFORGE_SECRET_KEY)
	// refuses requests that carry one (optional).
	Secrets *secrets.Keyring
	// StoredSecrets re-seals the stored secrets under the current key.
	StoredSecrets domain.SecretStore
	// EventDefaults fill in an event's unset lead time and transition period.
	EventDefaults domain.EventDefaults
	// Capacity reads what capacity planning computes from.
	Capacity domain.CapacityStore
	// CloneCapPerStorage is LABFORGE_CLONE_CAP_PER_STORAGE, for capacity planning.
	CloneCapPerStorage int
	// EventActivity keeps the events' timelines (store/audit).
	EventActivity domain.EventActivityLog
	// EventConnections lists the events' Guacamole connections.
	EventConnections domain.EventConnectionStore
	// EventDeployConcurrency is the bound on VM workflows in flight the
	// API starts event lifecycles with (0: the workflow's default).
	EventDeployConcurrency int
	// SystemEvents is the system-event log (store/audit).
	SystemEvents domain.SystemEventLog
	// Outbox takes audit records in the transactions of their changes;
	// Audit is read only (GET /audit).
	Outbox domain.AuditOutbox
	// Emails keeps the e-mail templates and the e-mail log.
	Emails domain.EmailStore
	// APIKeys keeps the users' API keys.
	APIKeys domain.APIKeyStore
	// Idempotency remembers Idempotency-Keys and their answers.
	Idempotency domain.IdempotencyStore
	// Accounts keeps invitations and password-reset links.
	Accounts domain.AccountStore
	// Identities keeps the external identities of LDAP and OIDC sign-ins.
	Identities domain.IdentityStore
	// LDAP checks passwords against the directory; nil turns LDAP sign-in
	// off (optional).
	LDAP LDAPDirectory
	// LDAPPolicy maps the directory's groups to roles and groups.
	LDAPPolicy domain.SignInPolicy
	// LDAPLabel is the LDAP sign-in's name on the console's sign-in page.
	LDAPLabel string
	// OIDC are the OpenID Connect providers people may sign in with
	// (optional).
	OIDC []OIDCSignIn
	// OIDCFlowKey signs the cookie that keeps an OIDC sign-in's state
	// between its start and callback; all API replicas share it.
	OIDCFlowKey []byte
	// Sessions keeps the console's cookie sessions.
	Sessions domain.SessionStore
	// SessionPolicy bounds console sessions (zero: DefaultSessionPolicy).
	SessionPolicy SessionPolicy
	// MutationLimit bounds each user's unsafe requests (zero: no limit).
	MutationLimit RateLimit
	// TrustedProxies is LABFORGE_TRUSTED_PROXIES: the reverse proxies
	// whose X-Forwarded-For gives the client's address (none when empty).
	TrustedProxies []string
	// PublicURL is LABFORGE_PUBLIC_URL, where the links of account
	// e-mails point (without a trailing slash).
	PublicURL string
	// TemporalUIURL is LABFORGE_TEMPORAL_UI_URL, where the console links
	// workflows (empty: no links); TemporalNamespace their namespace.
	TemporalUIURL     string
	TemporalNamespace string
	Temporal          client.Client
	Tokens            *auth.Tokens
	// Readiness lists the dependencies /readyz checks, in report order.
	Readiness []Check
	// Metrics is where HTTP metrics are registered and /metrics reads from.
	Metrics *prometheus.Registry
	// Queues are the task queues diagnostics probes by default.
	Queues []string
	Logger *slog.Logger
	// Console serves the web console (web.Console) at every GET or HEAD
	// path outside /api; nil answers those paths with the JSON 404.
	Console http.Handler
}

// Server is the HTTP API.
type Server struct {
	users           domain.UserStore
	permissions     domain.PermissionStore
	operations      domain.OperationStore
	audit           domain.AuditLog
	outbox          domain.AuditOutbox
	nodes           domain.NodeStore
	sites           domain.SiteStore
	externalDomains domain.ExternalDomainStore
	templates       domain.TemplateStore
	vms             domain.VMStore
	containers      domain.ContainerStore
	groups          domain.GroupStore
	environments    domain.EnvironmentStore
	events          domain.EventStore
	secrets         *secrets.Keyring
	storedSecrets   domain.SecretStore
	eventDefaults   domain.EventDefaults
	capacity        domain.CapacityStore
	capPerStorage   int
	eventActivity   domain.EventActivityLog
	connections     domain.EventConnectionStore
	eventDeployCap  int
	systemEvents    domain.SystemEventLog
	emails          domain.EmailStore
	apiKeys         domain.APIKeyStore
	idempotency     domain.IdempotencyStore
	accounts        domain.AccountStore
	identities      domain.IdentityStore
	ldap            LDAPDirectory
	ldapPolicy      domain.SignInPolicy
	ldapLabel       string
	oidc            []OIDCSignIn
	oidcFlowKey     []byte
	sessions        domain.SessionStore
	sessionPolicy   SessionPolicy
	mutationLimiter *userRateLimiter
	publicURL       string
	throttle        *loginThrottle
	temporal        client.Client
	tokens          *auth.Tokens
	readiness       []Check
	queues          []string
	logger          *slog.Logger
	console         http.Handler
	consoleSettings ConsoleSettings
	engine          *gin.Engine
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds the API's router.
func New(d Deps) *Server {
	s := &Server{
		users: d.Users, permissions: d.Permissions, operations: d.Operations, audit: d.Audit, outbox: d.Outbox,
		nodes: d.Nodes, sites: d.Sites, externalDomains: d.ExternalDomains, templates: d.Templates, vms: d.VMs, containers: d.Containers, systemEvents: d.SystemEvents,
		emails: d.Emails, apiKeys: d.APIKeys, idempotency: d.Idempotency, accounts: d.Accounts,
		identities: d.Identities, ldap: d.LDAP, ldapPolicy: d.LDAPPolicy, ldapLabel: d.LDAPLabel,
		oidc: d.OIDC, oidcFlowKey: d.OIDCFlowKey,
		sessions: d.Sessions, sessionPolicy: d.SessionPolicy.withDefaults(), mutationLimiter: newUserRateLimiter(d.MutationLimit, time.Now),
		publicURL: strings.TrimSuffix(d.PublicURL, "/"), throttle: newLoginThrottle(time.Now),
		groups: d.Groups, environments: d.Environments, events: d.Events, secrets: d.Secrets, storedSecrets: d.StoredSecrets, eventDefaults: d.EventDefaults,
		capacity: d.Capacity, capPerStorage: d.CloneCapPerStorage, eventActivity: d.EventActivity,
		connections: d.EventConnections,
		temporal:    d.Temporal, tokens: d.Tokens, readiness: d.Readiness, queues: d.Queues, logger: d.Logger,
		eventDeployCap: d.EventDeployConcurrency, console: d.Console,
		consoleSettings: ConsoleSettings{TemporalUIURL: strings.TrimSuffix(d.TemporalUIURL, "/"), TemporalNamespace: d.TemporalNamespace},
	}
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// Gin believes any X-Forwarded-For by default, which would let a
	// caller pick its own address for the audit log and the sign-in
	// throttle. The configuration checked these parse.
	if err := e.SetTrustedProxies(d.TrustedProxies); err != nil {
		d.Logger.Error("LABFORGE_TRUSTED_PROXIES is not usable; trusting no proxy", slog.Any("error", err))
		_ = e.SetTrustedProxies(nil)
	}
	e.ContextWithFallback = true
	metrics := newHTTPMetrics(d.Metrics)
	e.Use(withRequestID(d.Logger), accessLog(), metrics.middleware(), recoverPanics())
	e.NoRoute(func(c *gin.Context) {
		if s.servesConsole(c.Request) {
			s.console.ServeHTTP(c.Writer, c.Request)
			return
		}
		abortWithError(c, domain.NotFoundf("no route %s %s; see /api/v1/openapi.yaml", c.Request.Method, c.Request.URL.Path))
	})
	e.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, ErrorBody{Error: ErrorDetail{
			Code: "method_not_allowed", Message: c.Request.Method + " is not allowed on " + c.Request.URL.Path, RequestID: requestID(c),
		}})
	})

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", gin.WrapH(promhttp.HandlerFor(d.Metrics, promhttp.HandlerOpts{Registry: d.Metrics})))

	v1 := e.Group("/api/v1")
	v1.GET("/openapi.yaml", func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", OpenAPISpec) })
	v1.POST("/auth/login", s.login)
	v1.GET("/auth/providers", s.listAuthProviders)
	v1.GET("/auth/oidc/:provider/start", s.startOIDC)
	v1.GET("/auth/oidc/:provider/callback", s.oidcCallback)
	v1.POST("/auth/password-reset", s.requestPasswordReset)
	v1.POST("/auth/password-reset/:token", s.resetPassword)
	v1.POST("/invitations/:id/accept", s.acceptInvitation)

	authed := v1.Group("", s.authenticate(), s.limitMutations())
	// once marks the routes that start work: they honour an Idempotency-Key.
	once := s.idempotent()
	authed.GET("/me", s.me)
	authed.GET("/console/settings", s.getConsoleSettings)
	authed.GET("/auth/session", s.getSession)
	authed.DELETE("/auth/session", s.endSession)
	authed.GET("/api-keys", s.listAPIKeys)
	authed.POST("/api-keys", s.createAPIKey)
	authed.DELETE("/api-keys/:id", s.revokeAPIKey)
	authed.POST("/me/password", s.changeOwnPassword)
	authed.GET("/invitations", s.listInvitations)
	authed.POST("/invitations", s.createInvitation)
	authed.DELETE("/invitations/:id", s.revokeInvitation)
	authed.GET("/users", s.listUsers)
	authed.POST("/users", s.createUser)
	authed.GET("/users/lookup", s.lookupUsers)
	authed.GET("/users/:id", s.getUser)
	authed.PATCH("/users/:id", s.updateUser)
	authed.DELETE("/users/:id", s.deleteUser)
	authed.GET("/operations", s.listOperations)
	authed.GET("/operations/:id", s.getOperation)
	authed.POST("/operations/:id/retry", once, s.retryOperation)
	authed.POST("/operations/:id/abort", once, s.abortOperation)
	authed.POST("/operations/:id/skip", once, s.skipOperation)
	authed.POST("/system/diagnostics", once, s.startDiagnostics)
	authed.GET("/system/events", s.listSystemEvents)
	authed.GET("/audit", s.listAudit)
	authed.POST("/system/secrets/rotate", s.rotateSecrets)
	authed.GET("/nodes", s.listNodes)
	authed.POST("/nodes", s.createNode)
	authed.POST("/nodes/import", once, s.importNodes)
	authed.GET("/nodes/:id", s.getNode)
	authed.PATCH("/nodes/:id", s.updateNode)
	authed.DELETE("/nodes/:id", s.deleteNode)
	authed.GET("/sites", s.listSites)
	authed.POST("/sites", s.createSite)
	authed.GET("/sites/:id", s.getSite)
	authed.PATCH("/sites/:id", s.updateSite)
	authed.DELETE("/sites/:id", s.deleteSite)
	authed.POST("/sites/:id/gateway/apply", once, s.applySiteGateway)
	authed.GET("/external-domains", s.listExternalDomains)
	authed.POST("/external-domains", s.createExternalDomain)
	authed.GET("/external-domains/:id", s.getExternalDomain)
	authed.PATCH("/external-domains/:id", s.updateExternalDomain)
	authed.DELETE("/external-domains/:id", s.deleteExternalDomain)
	authed.GET("/templates", s.listTemplates)
	authed.GET("/templates/:id", s.getTemplate)
	authed.GET("/vms", s.listVMs)
	authed.POST("/vms", once, s.createVM)
	authed.GET("/vms/:id", s.getVM)
	authed.DELETE("/vms/:id", once, s.deleteVM)
	authed.POST("/vms/:id/actions/:action", once, s.vmAction)
	authed.GET("/containers", s.listContainers)
	authed.POST("/containers", once, s.createContainer)
	authed.GET("/containers/:id", s.getContainer)
	authed.PATCH("/containers/:id", once, s.updateContainer)
	authed.DELETE("/containers/:id", once, s.deleteContainer)
	for action := range containerActionKeys {
		authed.POST("/containers/:id/"+string(action), once, s.containerAction(action))
	}
	authed.GET("/containers/:id/collaborators", s.listCollaborators)
	authed.POST("/containers/:id/collaborators", s.addCollaborator)
	authed.GET("/email-templates", s.listEmailTemplates)
	authed.GET("/email-templates/:key", s.getEmailTemplate)
	authed.PUT("/email-templates/:key", s.putEmailTemplate)
	authed.POST("/email-templates/:key/preview", s.previewEmailTemplate)
	authed.GET("/email-log", s.listEmails)
	authed.POST("/email-log/:id/resend", once, s.resendEmail)
	authed.DELETE("/containers/:id/collaborators/:user_id", s.removeCollaborator)
	for segment, objectType := range sharingRoutes {
		authed.GET("/"+segment+"/:id/permissions", s.listObjectPermissions(objectType))
		authed.POST("/"+segment+"/:id/permissions", s.shareObject(objectType))
		authed.DELETE("/"+segment+"/:id/permissions", s.unshareObject(objectType))
	}
	authed.GET("/roles", s.listRoles)
	authed.POST("/roles", s.createRole)
	authed.DELETE("/roles/:name", s.deleteRole)
	authed.GET("/groups", s.listGroups)
	authed.POST("/groups", s.createGroup)
	authed.GET("/groups/:id", s.getGroup)
	authed.PATCH("/groups/:id", s.updateGroup)
	authed.DELETE("/groups/:id", s.deleteGroup)
	authed.POST("/groups/:id/members", s.addGroupMember)
	authed.DELETE("/groups/:id/members/:user_id", s.removeGroupMember)
	authed.GET("/environments", s.listEnvironments)
	authed.POST("/environments", s.createEnvironment)
	authed.GET("/environments/:id", s.getEnvironment)
	authed.PATCH("/environments/:id", s.updateEnvironment)
	authed.DELETE("/environments/:id", s.deleteEnvironment)
	authed.GET("/events", s.listEvents)
	authed.POST("/events", once, s.createEvent)
	authed.GET("/events/:id", s.getEvent)
	authed.PATCH("/events/:id", s.updateEvent)
	authed.DELETE("/events/:id", s.deleteEvent)
	authed.GET("/events/:id/overview", s.eventOverview)
	authed.GET("/events/:id/participants", s.listEventParticipants)
	authed.POST("/events/:id/participants", s.addEventParticipant)
	authed.DELETE("/events/:id/participants", s.removeEventParticipant)
	authed.GET("/events/:id/timeline", s.eventTimeline)
	authed.GET("/capacity", s.getCapacity)
	authed.POST("/events/:id/deploy", once, s.eventAction(workflows.UpdateDeployNow))
	authed.POST("/events/:id/end", once, s.eventAction(workflows.UpdateEndNow))
	authed.POST("/events/:id/cancel", once, s.eventAction(workflows.UpdateCancel))
	authed.POST("/events/:id/retry-failed", once, s.eventAction(workflows.UpdateRetryFailed))

	s.engine = e
	return s
}

// servesConsole reports whether r, which matched no route, is for the web
// console: a GET or HEAD outside /api, so the console's router resolves
// its own paths and an unknown API path keeps its JSON 404.
func (s *Server) servesConsole(r *http.Request) bool {
	if s.console == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	p := r.URL.Path
	return p != "/api" && !strings.HasPrefix(p, "/api/")
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// Package config reads Labforge's settings from LABFORGE_* environment
// variables into one struct. docs/configuration.md lists every variable;
// a bad value fails start-up with a sentence naming the variable.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/redact"
	"github.com/labforge/labforge/internal/secrets"
)

// Prefix starts the name of every Labforge environment variable.
const Prefix = "LABFORGE_"

// Config holds every setting of the api and worker processes.
type Config struct {
	LogLevel  string `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat string `env:"LOG_FORMAT" envDefault:"text"`

	HTTPAddr        string        `env:"HTTP_ADDR" envDefault:":8080"`
	MetricsAddr     string        `env:"METRICS_ADDR" envDefault:":9090"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"30s"`
	StartupTimeout  time.Duration `env:"STARTUP_TIMEOUT" envDefault:"15s"`

	DatabaseURL      string `env:"DATABASE_URL" envDefault:"postgres://labforge:labforge@127.0.0.1:5432/labforge?sslmode=disable"`
	DatabaseMaxConns int32  `env:"DATABASE_MAX_CONNS" envDefault:"10"`

	MongoURI             string        `env:"MONGO_URI" envDefault:"mongodb://127.0.0.1:27017/"`
	MongoDatabase        string        `env:"MONGO_DATABASE" envDefault:"labforge"`
	AuditRetention       time.Duration `env:"AUDIT_RETENTION" envDefault:"8760h"`
	ActivityRetention    time.Duration `env:"ACTIVITY_RETENTION" envDefault:"2160h"`
	SystemEventRetention time.Duration `env:"SYSTEM_EVENT_RETENTION" envDefault:"2160h"`

	TemporalAddress   string `env:"TEMPORAL_ADDRESS" envDefault:"127.0.0.1:7233"`
	TemporalNamespace string `env:"TEMPORAL_NAMESPACE" envDefault:"default"`
	// TemporalUIURL is the Temporal Web UI as operators' browsers reach
	// it; the console links each operation to its workflow there. Empty
	// shows workflow ids without links.
	TemporalUIURL string `env:"TEMPORAL_UI_URL"`
	// TemporalStartConcurrency is how many workflow starts each process
	// sends to Temporal at once; a burst beyond it waits its turn in order,
	// so the workflows already started keep running. 0 is no limit.
	TemporalStartConcurrency int `env:"TEMPORAL_START_CONCURRENCY" envDefault:"2"`

	// TrustedProxies are the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For the API believes for a client's address (audit log,
	// sign-in throttling); empty believes no one.
	TrustedProxies []string `env:"TRUSTED_PROXIES" envSeparator:","`

	// PublicURL is the console as people's browsers reach it: the links
	// in account e-mails (invitations, password resets) start with it.
	PublicURL string `env:"PUBLIC_URL" envDefault:"http://localhost:8080"`

	JWTSecret string        `env:"JWT_SECRET" secret:"true"`
	JWTTTL    time.Duration `env:"JWT_TTL" envDefault:"15m"`

	// A console session ends after SessionIdleTimeout without a request
	// or SessionMaxAge after sign-in, whichever comes first.
	SessionIdleTimeout time.Duration `env:"SESSION_IDLE_TIMEOUT" envDefault:"2h"`
	SessionMaxAge      time.Duration `env:"SESSION_MAX_AGE" envDefault:"12h"`

	// Each user may send RateLimitPerMinute changes (POST, PUT, PATCH,
	// DELETE) a minute on average, RateLimitBurst at once; 0 turns the
	// limit off.
	RateLimitPerMinute int `env:"RATE_LIMIT_PER_MINUTE" envDefault:"600"`
	RateLimitBurst     int `env:"RATE_LIMIT_BURST" envDefault:"120"`

	// SecretKey seals secrets kept in PostgreSQL (node token secrets,
	// connection passwords): "<id>:<base64 of 32 bytes>"; processes that
	// use the database need it (RequireKeyring). SecretKeysPrevious,
	// comma-separated in the same form, still open what older keys sealed.
	SecretKey          string `env:"SECRET_KEY" secret:"true"`
	SecretKeysPrevious string `env:"SECRET_KEYS_PREVIOUS" secret:"true"`

	// Defaults of events that do not set their own lead time (how long
	// before the start provisioning begins) or transition period (how long
	// after the end VMs are kept before teardown).
	EventLeadTime         time.Duration `env:"EVENT_LEAD_TIME" envDefault:"30m"`
	EventTransitionPeriod time.Duration `env:"EVENT_TRANSITION_PERIOD" envDefault:"72h"`
	// EventDeployConcurrency bounds the VM workflows (clones, stops,
	// deletes) one event runs at once; the per-node and per-storage clone
	// caps still hold across all events. An event keeps the value it
	// started with.
	EventDeployConcurrency int `env:"EVENT_DEPLOY_CONCURRENCY" envDefault:"20"`

	BootstrapAdminUsername string `env:"BOOTSTRAP_ADMIN_USERNAME" envDefault:"admin"`
	BootstrapAdminEmail    string `env:"BOOTSTRAP_ADMIN_EMAIL" envDefault:"admin@labforge.local"`
	BootstrapAdminPassword string `env:"BOOTSTRAP_ADMIN_PASSWORD" secret:"true"`

	// WorkerQueues are checked against activities.StandardQueues when a
	// worker starts (app.ValidateQueues); a test keeps this default equal
	// to that list.
	WorkerQueues        []string `env:"WORKER_QUEUES" envDefault:"core,pve-actions,pve-clone,pve-periodic" envSeparator:","`
	WorkerActivitySlots int      `env:"WORKER_ACTIVITY_SLOTS" envDefault:"1000"`

	VMIDRange          string        `env:"VMID_RANGE" envDefault:"10000-19999"`
	ProxmoxTimeout     time.Duration `env:"PROXMOX_TIMEOUT" envDefault:"60s"`
	CloneCapPerStorage int           `env:"CLONE_CAP_PER_STORAGE" envDefault:"4"`
	// ContainerTemplateStorage is the node storage OCI images are pulled
	// into before a container is created from them.
	ContainerTemplateStorage string        `env:"CONTAINER_TEMPLATE_STORAGE" envDefault:"local"`
	SyncInterval             time.Duration `env:"SYNC_INTERVAL" envDefault:"60s"`
	ReconcileInterval        time.Duration `env:"RECONCILE_INTERVAL" envDefault:"10m"`
	ReconcileDeleteOrphans   bool          `env:"RECONCILE_DELETE_ORPHANS" envDefault:"false"`

	StepRetryInterval time.Duration `env:"STEP_RETRY_INTERVAL" envDefault:"2s"`
	StepMaxAttempts   int           `env:"STEP_MAX_ATTEMPTS" envDefault:"8"`
	HeartbeatTimeout  time.Duration `env:"HEARTBEAT_TIMEOUT" envDefault:"1m"`

	// Guacamole: an empty URL turns the remote-desktop connections off.
	// The user must hold the system permission ADMINISTER.
	GuacamoleURL      string `env:"GUACAMOLE_URL"`
	GuacamoleUsername string `env:"GUACAMOLE_USERNAME"`
	GuacamolePassword string `env:"GUACAMOLE_PASSWORD" secret:"true"`
	// GuacamolePublicURL is Guacamole as browsers reach it, for the links
	// in e-mails and on event pages, when it differs from GuacamoleURL.
	GuacamolePublicURL string `env:"GUACAMOLE_PUBLIC_URL"`

	// The gateway worker's host (queues gateway.<site>): where it writes
	// NGINX's and dnsmasq's files and how it checks and reloads them.
	// internal/app.GatewayConfig maps them to a gateway.Config.
	GatewayDir               string        `env:"GATEWAY_DIR" envDefault:"/etc/labforge-gateway"`
	GatewayNginxBin          string        `env:"GATEWAY_NGINX_BIN" envDefault:"nginx"`
	GatewayNginxPrefix       string        `env:"GATEWAY_NGINX_PREFIX" envDefault:"/var/lib/labforge-gateway/nginx"`
	GatewayNginxStreamModule string        `env:"GATEWAY_NGINX_STREAM_MODULE" envDefault:"/usr/lib/nginx/modules/ngx_stream_module.so"`
	GatewayNginxUser         string        `env:"GATEWAY_NGINX_USER" envDefault:"www-data"`
	GatewayDnsmasqBin        string        `env:"GATEWAY_DNSMASQ_BIN" envDefault:"dnsmasq"`
	GatewayDnsmasqPidFile    string        `env:"GATEWAY_DNSMASQ_PID_FILE" envDefault:"/run/labforge-gateway/dnsmasq.pid"`
	GatewayHTTPListen        string        `env:"GATEWAY_HTTP_LISTEN" envDefault:"0.0.0.0:80"`
	GatewayHTTPSListen       string        `env:"GATEWAY_HTTPS_LISTEN" envDefault:"0.0.0.0:443"`
	GatewayStreamAddress     string        `env:"GATEWAY_STREAM_ADDRESS" envDefault:"0.0.0.0"`
	GatewayDNSListen         string        `env:"GATEWAY_DNS_LISTEN"`
	GatewayDNSPort           int           `env:"GATEWAY_DNS_PORT" envDefault:"53"`
	GatewayDHCP              bool          `env:"GATEWAY_DHCP" envDefault:"true"`
	GatewayCommandTimeout    time.Duration `env:"GATEWAY_COMMAND_TIMEOUT" envDefault:"30s"`
	// SMTP: where e-mail goes (internal/mail). An empty SMTPHost turns
	// e-mail off: the log records each e-mail as skipped.
	SMTPHost     string        `env:"SMTP_HOST"`
	SMTPPort     int           `env:"SMTP_PORT" envDefault:"587"`
	SMTPTLS      string        `env:"SMTP_TLS" envDefault:"starttls"`
	SMTPAuth     string        `env:"SMTP_AUTH" envDefault:"plain"`
	SMTPUsername string        `env:"SMTP_USERNAME"`
	SMTPPassword string        `env:"SMTP_PASSWORD" secret:"true"`
	SMTPFrom     string        `env:"SMTP_FROM" envDefault:"Labforge <labforge@localhost>"`
	SMTPTimeout  time.Duration `env:"SMTP_TIMEOUT" envDefault:"30s"`

	// LDAP sign-in (internal/ldapauth.Config); an empty LDAPURL turns it
	// off (see LDAPEnabled). LDAPRoleMap and LDAPGroupMap map the
	// directory's groups to roles and Labforge groups (see ParseGroupMap).
	LDAPURL                  string        `env:"LDAP_URL"`
	LDAPStartTLS             bool          `env:"LDAP_START_TLS" envDefault:"false"`
	LDAPCAFile               string        `env:"LDAP_CA_FILE"`
	LDAPBindDN               string        `env:"LDAP_BIND_DN"`
	LDAPBindPassword         string        `env:"LDAP_BIND_PASSWORD" secret:"true"`
	LDAPBaseDN               string        `env:"LDAP_BASE_DN"`
	LDAPUserFilter           string        `env:"LDAP_USER_FILTER" envDefault:"(uid=%s)"`
	LDAPUsernameAttribute    string        `env:"LDAP_USERNAME_ATTRIBUTE" envDefault:"uid"`
	LDAPEmailAttribute       string        `env:"LDAP_EMAIL_ATTRIBUTE" envDefault:"mail"`
	LDAPDisplayNameAttribute string        `env:"LDAP_DISPLAY_NAME_ATTRIBUTE" envDefault:"cn"`
	LDAPGroupAttribute       string        `env:"LDAP_GROUP_ATTRIBUTE" envDefault:"memberOf"`
	LDAPGroupBaseDN          string        `env:"LDAP_GROUP_BASE_DN"`
	LDAPGroupFilter          string        `env:"LDAP_GROUP_FILTER" envDefault:"(member=%s)"`
	LDAPTimeout              time.Duration `env:"LDAP_TIMEOUT" envDefault:"10s"`
	LDAPRoleMap              string        `env:"LDAP_ROLE_MAP"`
	LDAPGroupMap             string        `env:"LDAP_GROUP_MAP"`
	LDAPLabel                string        `env:"LDAP_LABEL" envDefault:"LDAP"`

	// OIDC sign-in with one OpenID Connect provider
	// (internal/oidcauth.Config); an empty OIDCIssuer turns it off (see
	// OIDCEnabled). Its callback is PublicURL/api/v1/auth/oidc/<id>/callback.
	OIDCIssuer        string        `env:"OIDC_ISSUER"`
	OIDCID            string        `env:"OIDC_ID" envDefault:"sso"`
	OIDCLabel         string        `env:"OIDC_LABEL" envDefault:"Single sign-on"`
	OIDCClientID      string        `env:"OIDC_CLIENT_ID"`
	OIDCClientSecret  string        `env:"OIDC_CLIENT_SECRET" secret:"true"`
	OIDCScopes        []string      `env:"OIDC_SCOPES" envDefault:"openid,profile,email" envSeparator:","`
	OIDCUsernameClaim string        `env:"OIDC_USERNAME_CLAIM" envDefault:"preferred_username"`
	OIDCEmailClaim    string        `env:"OIDC_EMAIL_CLAIM" envDefault:"email"`
	OIDCNameClaim     string        `env:"OIDC_NAME_CLAIM" envDefault:"name"`
	OIDCGroupsClaim   string        `env:"OIDC_GROUPS_CLAIM" envDefault:"groups"`
	OIDCRoleMap       string        `env:"OIDC_ROLE_MAP"`
	OIDCGroupMap      string        `env:"OIDC_GROUP_MAP"`
	OIDCLinkByEmail   bool          `env:"OIDC_LINK_BY_EMAIL" envDefault:"false"`
	OIDCTimeout       time.Duration `env:"OIDC_TIMEOUT" envDefault:"10s"`

	// GatewayRenderOnly writes the files without testing or reloading the
	// tools (gateway.Config.RenderOnly): for a host without NGINX or dnsmasq.
	GatewayRenderOnly bool `env:"GATEWAY_RENDER_ONLY" envDefault:"false"`

	// The Moodle site (internal/moodle.Config); an empty MoodleURL turns
	// Moodle off (see MoodleEnabled).
	MoodleURL              string        `env:"MOODLE_URL"`
	MoodleToken            string        `env:"MOODLE_TOKEN" secret:"true"`
	MoodleTimeout          time.Duration `env:"MOODLE_TIMEOUT" envDefault:"30s"`
	MoodleDuplicateTimeout time.Duration `env:"MOODLE_DUPLICATE_TIMEOUT" envDefault:"10m"`
	// MoodleUserAuth is the authentication plugin of the users Labforge
	// creates in Moodle ("manual": Moodle e-mails them a password; "ldap",
	// "oauth2", ...: they sign in as they do in Labforge).
	MoodleUserAuth string `env:"MOODLE_USER_AUTH" envDefault:"manual"`
	// MoodleDeleteCourses deletes an event's course at its teardown;
	// without it the course stays in Moodle, hidden, for the instructors.
	MoodleDeleteCourses bool `env:"MOODLE_DELETE_COURSES" envDefault:"false"`
}

// Default returns every setting at its default, as Load does from an
// empty environment: the envDefault tags above are the one place defaults
// are written down. Packages that need a default (tests, benchmarks) take
// it from here.
func Default() Config {
	c, err := LoadFrom(nil)
	if err != nil {
		panic("the default configuration is invalid: " + err.Error())
	}
	return c
}

// Load reads the configuration from the process environment.
func Load() (Config, error) { return LoadFrom(os.Environ()) }

// LoadFrom reads the configuration from environ, a list of KEY=VALUE
// strings as os.Environ returns them.
func LoadFrom(environ []string) (Config, error) {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	var c Config
	err := env.ParseWithOptions(&c, env.Options{Prefix: Prefix, Environment: vars})
	if err != nil {
		return Config{}, explain(err)
	}
	return c, c.Validate()
}

// explain rewrites the parser's errors so that each names the variable a
// user has to fix.
func explain(err error) error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return err
	}
	msgs := make([]string, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			msgs = append(msgs, fmt.Sprintf("%s is invalid: %v", VariableOf(pe.Name), pe.Err))
			continue
		}
		msgs = append(msgs, e.Error())
	}
	return errors.New(strings.Join(msgs, "; "))
}

// VariableOf returns the environment variable behind a Config field name.
func VariableOf(field string) string {
	f, ok := reflect.TypeOf(Config{}).FieldByName(field)
	if !ok {
		return field
	}
	return Prefix + f.Tag.Get("env")
}

// Validate checks values the parser accepts but Labforge cannot use.
func (c *Config) Validate() error {
	var problems []string
	bad := func(field, format string, args ...any) {
		problems = append(problems, VariableOf(field)+" "+fmt.Sprintf(format, args...))
	}
	if _, ok := logLevels[strings.ToLower(c.LogLevel)]; !ok {
		bad("LogLevel", "is %q; use debug, info, warn or error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("LogFormat", "is %q; use text or json", c.LogFormat)
	}
	for field, addr := range map[string]string{"HTTPAddr": c.HTTPAddr, "MetricsAddr": c.MetricsAddr, "TemporalAddress": c.TemporalAddress} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			bad(field, "is %q; use host:port such as 127.0.0.1:7233 or :8080", addr)
		}
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("DatabaseURL", "must be a postgres:// URL such as postgres://labforge:secret@db:5432/labforge")
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			bad("TrustedProxies", "has %q; list IP addresses or CIDRs such as 10.0.0.5,192.168.0.0/24", p)
		}
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		bad("PublicURL", "must be the console's http(s) address such as https://labforge.example.org")
	}
	if u, err := url.Parse(c.TemporalUIURL); c.TemporalUIURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "") {
		bad("TemporalUIURL", "must be the Temporal Web UI's http(s) address such as https://temporal.example.org, or empty")
	}
	if c.DatabaseMaxConns < 1 {
		bad("DatabaseMaxConns", "must be at least 1")
	}
	if u, err := url.Parse(c.MongoURI); err != nil || (u.Scheme != "mongodb" && u.Scheme != "mongodb+srv") {
		bad("MongoURI", "must be a mongodb:// URL such as mongodb://mongo:27017/")
	}
	if c.MongoDatabase == "" {
		bad("MongoDatabase", "must not be empty")
	}
	for field, d := range map[string]time.Duration{"AuditRetention": c.AuditRetention, "ActivityRetention": c.ActivityRetention, "SystemEventRetention": c.SystemEventRetention} {
		if d < time.Hour {
			bad(field, "is %s; retention must be at least 1h", d)
		}
	}
	if c.TemporalNamespace == "" {
		bad("TemporalNamespace", "must not be empty")
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		bad("JWTSecret", "must be at least 32 characters (try: openssl rand -hex 32)")
	}
	if c.JWTTTL < time.Minute || c.JWTTTL > 24*time.Hour {
		bad("JWTTTL", "is %s; use a duration between 1m and 24h", c.JWTTTL)
	}
	if c.SessionIdleTimeout < time.Minute || c.SessionIdleTimeout > 30*24*time.Hour {
		bad("SessionIdleTimeout", "is %s; use a duration between 1m and 720h", c.SessionIdleTimeout)
	}
	if c.SessionMaxAge < c.SessionIdleTimeout || c.SessionMaxAge > 90*24*time.Hour {
		bad("SessionMaxAge", "is %s; use a duration between LABFORGE_SESSION_IDLE_TIMEOUT (%s) and 2160h", c.SessionMaxAge, c.SessionIdleTimeout)
	}
	if c.TemporalStartConcurrency < 0 {
		bad("TemporalStartConcurrency", "is %d; use 0 (no limit) or more", c.TemporalStartConcurrency)
	}
	if c.RateLimitPerMinute < 0 {
		bad("RateLimitPerMinute", "is %d; use 0 (no limit) or more", c.RateLimitPerMinute)
	}
	if c.RateLimitPerMinute > 0 && c.RateLimitBurst < 1 {
		bad("RateLimitBurst", "is %d; use at least 1 while LABFORGE_RATE_LIMIT_PER_MINUTE is set", c.RateLimitBurst)
	}
	if _, err := c.Keyring(); err != nil {
		problems = append(problems, err.Error())
	}
	if c.EventLeadTime < 0 || c.EventLeadTime > domain.MaxLeadTime {
		bad("EventLeadTime", "is %s; use 0 to 168h", c.EventLeadTime)
	}
	if c.EventDeployConcurrency < 1 || c.EventDeployConcurrency > 1000 {
		bad("EventDeployConcurrency", "is %d; use 1 to 1000", c.EventDeployConcurrency)
	}
	if c.EventTransitionPeriod < 0 || c.EventTransitionPeriod > domain.MaxTransitionPeriod {
		bad("EventTransitionPeriod", "is %s; use 0 to 2160h", c.EventTransitionPeriod)
	}
	if c.BootstrapAdminPassword != "" && len(c.BootstrapAdminPassword) < 12 {
		bad("BootstrapAdminPassword", "must be at least 12 characters")
	}
	if c.ShutdownTimeout <= 0 || c.StartupTimeout <= 0 {
		bad("ShutdownTimeout", "and LABFORGE_STARTUP_TIMEOUT must be positive durations such as 30s")
	}
	for _, q := range c.WorkerQueues {
		if q == "" || strings.ContainsAny(q, " \t") {
			bad("WorkerQueues", "names queue %q; use comma-separated queue names such as core,pve-clone", q)
		}
	}
	if c.WorkerActivitySlots < 1 || c.WorkerActivitySlots > 100000 {
		bad("WorkerActivitySlots", "is %d; use 1 to 100000", c.WorkerActivitySlots)
	}
	if _, err := c.VMIDs(); err != nil {
		bad("VMIDRange", "is %q; use FIRST-LAST within 100-999999999, such as 10000-19999", c.VMIDRange)
	}
	if c.ProxmoxTimeout < time.Second {
		bad("ProxmoxTimeout", "is %s; use at least 1s", c.ProxmoxTimeout)
	}
	if c.CloneCapPerStorage < 1 || c.CloneCapPerStorage > 64 {
		bad("CloneCapPerStorage", "is %d; use 1 to 64", c.CloneCapPerStorage)
	}
	if c.SyncInterval < 5*time.Second {
		bad("SyncInterval", "is %s; use at least 5s", c.SyncInterval)
	}
	if c.StepRetryInterval < 10*time.Millisecond || c.StepRetryInterval > 10*time.Minute {
		bad("StepRetryInterval", "is %s; use 10ms to 10m", c.StepRetryInterval)
	}
	if c.StepMaxAttempts < 1 || c.StepMaxAttempts > 100 {
		bad("StepMaxAttempts", "is %d; use 1 to 100", c.StepMaxAttempts)
	}
	if c.HeartbeatTimeout < time.Second || c.HeartbeatTimeout > time.Hour {
		bad("HeartbeatTimeout", "is %s; use 1s to 1h", c.HeartbeatTimeout)
	}
	if c.ReconcileInterval < time.Minute {
		bad("ReconcileInterval", "is %s; use at least 1m", c.ReconcileInterval)
	}
	if c.GuacamoleURL != "" {
		if u, err := url.Parse(c.GuacamoleURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("GuacamoleURL", "must be an http(s) URL such as https://guacamole.example.org/guacamole, or empty to turn Guacamole off")
		}
		if c.GuacamoleUsername == "" || c.GuacamolePassword == "" {
			bad("GuacamoleUsername", "and LABFORGE_GUACAMOLE_PASSWORD must be set when LABFORGE_GUACAMOLE_URL is")
		}
	}
	c.validateGateway(bad)
	c.validateMoodle(bad)
	c.validateSMTP(bad)
	problem := func(err error) { problems = append(problems, err.Error()) }
	c.validateLDAP(bad, problem)
	c.validateOIDC(bad, problem)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// VMIDs parses VMIDRange ("FIRST-LAST").
func (c *Config) VMIDs() (domain.VMIDRange, error) {
	first, last, ok := strings.Cut(c.VMIDRange, "-")
	if !ok {
		return domain.VMIDRange{}, errors.New("missing '-'")
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(first))
	b, err2 := strconv.Atoi(strings.TrimSpace(last))
	if err1 != nil || err2 != nil {
		return domain.VMIDRange{}, errors.New("not two whole numbers")
	}
	r := domain.VMIDRange{First: a, Last: b}
	return r, r.Validate(VariableOf("VMIDRange"))
}

// Keyring builds the keyring that seals and opens stored secrets from
// SecretKey and SecretKeysPrevious; it is nil when SecretKey is unset.
// Its errors name the variable, never the key.
func (c *Config) Keyring() (*secrets.Keyring, error) {
	if c.SecretKey == "" {
		if c.SecretKeysPrevious != "" {
			return nil, errors.New(VariableOf("SecretKeysPrevious") + " is set without " + VariableOf("SecretKey"))
		}
		return nil, nil
	}
	current, err := secrets.ParseKey(c.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", VariableOf("SecretKey"), err)
	}
	var previous []secrets.Key
	for _, raw := range strings.Split(c.SecretKeysPrevious, ",") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		k, err := secrets.ParseKey(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", VariableOf("SecretKeysPrevious"), err)
		}
		previous = append(previous, k)
	}
	r, err := secrets.NewKeyring(current, previous...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", VariableOf("SecretKeysPrevious"), err)
	}
	return r, nil
}

// RequireKeyring is Keyring for a process that reads or writes the
// database, which needs LABFORGE_SECRET_KEY: it seals node token secrets
// and connection passwords.
func (c *Config) RequireKeyring() (*secrets.Keyring, error) {
	r, err := c.Keyring()
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errors.New(VariableOf("SecretKey") + ` is not set; set it to "<id>:<base64 of 32 bytes>" (try: echo "k1:$(openssl rand -base64 32)"): ` +
			"it seals the node token secrets and connection passwords stored in PostgreSQL")
	}
	return r, nil
}

// EventDefaults are the lead time and transition period of events that
// do not set their own.
func (c *Config) EventDefaults() domain.EventDefaults {
	return domain.EventDefaults{LeadTime: c.EventLeadTime, TransitionPeriod: c.EventTransitionPeriod}
}

// RequireJWTSecret reports a missing JWT secret; only the api needs one.
func (c *Config) RequireJWTSecret() error {
	if c.JWTSecret == "" {
		return errors.New(VariableOf("JWTSecret") + " is not set; set it to a random string of at least 32 characters (try: openssl rand -hex 32)")
	}
	return nil
}

var logLevels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// SlogLevel returns the configured log level.
func (c *Config) SlogLevel() slog.Level { return logLevels[strings.ToLower(c.LogLevel)] }

// LogValue prints the configuration with secrets redacted, for debug logs.
func (c Config) LogValue() slog.Value {
	v := reflect.ValueOf(c)
	t := v.Type()
	attrs := make([]slog.Attr, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		val := v.Field(i).Interface()
		if f.Tag.Get("secret") == "true" && v.Field(i).String() != "" {
			val = "[redacted]"
		}
		if f.Name == "DatabaseURL" || f.Name == "MongoURI" || f.Name == "GuacamoleURL" || f.Name == "MoodleURL" || f.Name == "LDAPURL" {
			val = redact.URL(v.Field(i).String())
		}
		attrs = append(attrs, slog.Any(Prefix+f.Tag.Get("env"), val))
	}
	return slog.GroupValue(attrs...)
}

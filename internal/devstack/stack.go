package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/sdk/client"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/ferret"
	"github.com/labforge/labforge/internal/pgcluster"
	"github.com/labforge/labforge/internal/redact"
	"github.com/labforge/labforge/workflows"
)

// databaseName is the dev stack's PostgreSQL database.
const databaseName = "labforge"

// auditPurgeInterval is how often the dev stack enforces audit retention
// itself, since FerretDB has no TTL indexes.
const auditPurgeInterval = 10 * time.Minute

// Run starts the whole platform in this process — PostgreSQL (unless
// LABFORGE_DATABASE_URL names one), FerretDB, Temporal and its Web UI, the
// Proxmox VE simulator with its nodes registered, the API and workers for
// LABFORGE_WORKER_QUEUES (every standard queue by default), an SMTP sink
// that receives the platform's e-mail (served at /dev/mail), the Guacamole
// and Moodle simulators (unless LABFORGE_GUACAMOLE_URL or
// LABFORGE_MOODLE_URL names a real service), the site "lab"
// on a loopback network with its gateway worker (queue gateway.lab) and,
// when installed, its NGINX and dnsmasq — prints where everything is, and
// runs until ctx ends; then it stops everything in reverse order. environ
// supplies LABFORGE_* settings (os.Environ()).
func Run(ctx context.Context, s Settings, environ []string, out io.Writer, logger *slog.Logger) (err error) {
	dataDir, err := filepath.Abs(s.DataDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return fmt.Errorf("create the data directory %s (LABFORGE_DEV_DATA_DIR): %w", dataDir, err)
	}
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}()

	fmt.Fprintf(out, "Starting Labforge dev stack (data in %s)...\n", dataDir)
	databaseURL := lookupEnv(environ, "LABFORGE_DATABASE_URL")
	if databaseURL == "" {
		pg, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(dataDir, "postgres"), Port: s.PostgresPort, BinDir: s.PostgresBinDir, Logger: logger})
		if err != nil {
			return err
		}
		stops = append(stops, func() { logIf(logger, "stopping PostgreSQL", pg.Stop()) })
		if err := ensureDatabase(ctx, pg); err != nil {
			return err
		}
		databaseURL = pg.URL(databaseName)
	}

	mongo, err := ferret.Start(ctx, ferret.Options{Dir: filepath.Join(dataDir, "ferretdb"), Addr: "127.0.0.1:" + strconv.Itoa(s.MongoPort), Logger: logger})
	if err != nil {
		return fmt.Errorf("FerretDB: %w (set LABFORGE_DEV_MONGO_PORT to use another port)", err)
	}
	stops = append(stops, mongo.Stop)

	tmp, err := StartTemporal(ctx, TemporalOptions{DatabaseFile: filepath.Join(dataDir, "temporal.db"), Port: s.TemporalPort, Logger: logger})
	if err != nil {
		return err
	}
	stops = append(stops, func() { logIf(logger, "stopping Temporal", tmp.Stop()) })
	ui, err := StartUI(ctx, UIOptions{Port: s.UIPort, TemporalAddress: tmp.Address(), Namespace: tmp.Namespace()})
	if err != nil {
		return err
	}
	stops = append(stops, ui.Stop)

	gw, err := prepareGatewayHost(dataDir, s, logger.With(slog.String("component", "gateway")))
	if err != nil {
		return err
	}
	pve, err := StartProxmoxSim(ctx, dataDir, s.PVEPort, s.PVETimeScale, s.PVEStatusRefresh,
		SimNetwork{DHCPHostsFile: gw.DHCPHostsFile(), GuestPorts: guestPorts()}, logger.With(slog.String("component", "pvesim")))
	if err != nil {
		return err
	}
	stops = append(stops, pve.Stop)

	sink, err := startMailSink(s.SMTPPort, logger.With(slog.String("component", "smtpsink")))
	if err != nil {
		return err
	}
	stops = append(stops, func() { logIf(logger, "stopping the SMTP sink", sink.Close()) })

	services, err := startServiceSims(ctx, s, environ, logger)
	if err != nil {
		return err
	}
	stops = append(stops, services.Stop)

	overrides := append(append(gw.Env(), mailEnv(sink)...), services.Env()...)
	overrides = append(overrides, "LABFORGE_TEMPORAL_UI_URL="+ui.URL())
	cfg, err := platformConfig(dataDir, environ, databaseURL, mongo, tmp, overrides)
	if err != nil {
		return err
	}
	if q := activities.GatewayQueue(labSiteName); !slices.Contains(cfg.WorkerQueues, q) {
		cfg.WorkerQueues = append(cfg.WorkerQueues, q)
	}
	p, err := app.Connect(ctx, cfg, logger)
	if err != nil {
		return err
	}
	stops = append(stops, p.Close)
	created, err := p.EnsureAdmin(ctx)
	if err != nil {
		return err
	}
	login, err := recordAdmin(dataDir, cfg.BootstrapAdminUsername, created, cfg.BootstrapAdminPassword != "")
	if err != nil {
		return err
	}
	certFile, keyFile, err := ensureLabCertificate(gw.TLSDir())
	if err != nil {
		return fmt.Errorf("the dev site's certificate in %s: %w", gw.TLSDir(), err)
	}
	lab, err := ensureLabSite(ctx, p.DB, certFile, keyFile)
	if err != nil {
		return err
	}
	if err := registerSimNodes(ctx, p.DB, pve, lab.Site.ID); err != nil {
		return err
	}
	api, err := p.APIHandler()
	if err != nil {
		return err
	}
	handler := withDevMail(api, sink)
	l, err := app.Listen(cfg.HTTPAddr, config.VariableOf("HTTPAddr"))
	if err != nil {
		return err
	}
	ws, err := p.StartWorkers(cfg.WorkerQueues)
	if err != nil {
		l.Close()
		return err
	}
	stops = append(stops, ws.Stop)
	// Sync at once, so the simulator's templates are listed right away
	// rather than after the first interval.
	sync := p.Temporal.ScheduleClient().GetHandle(ctx, workflows.SyncInventoryScheduleID)
	if err := sync.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		logger.Warn("could not trigger the first inventory sync", slog.Any("error", err))
	}
	if !p.Audit.ServerExpires() {
		go purgeAudit(ctx, p, logger)
	}
	applied := applyLabGateway(ctx, p, lab.Site, logger)
	if ctx.Err() != nil {
		l.Close()
		return nil // stopped while starting
	}
	stops = append(stops, gw.Stop)
	if err := gw.Start(); err != nil {
		l.Close()
		return fmt.Errorf("the dev site's gateway: %w (its files are in %s)", err, gw.Dir)
	}

	printBanner(out, bannerInfo{
		API: "http://" + displayAddr(l.Addr().String()), UI: ui.URL(), Temporal: tmp.Address(),
		Postgres: redact.URL(databaseURL), Mongo: mongo.URI(), Queues: cfg.WorkerQueues,
		PVE: pve, Login: login, Gateway: gw, Lab: lab, LastApply: applied, Mail: sink, Services: services,
	})
	err = app.Serve(ctx, l, handler, cfg.ShutdownTimeout, logger)
	fmt.Fprintln(out, "Stopping Labforge dev stack...")
	return err
}

// platformConfig points the platform at the embedded servers. The JWT
// secret and, unless the environment sets one, LABFORGE_SECRET_KEY are
// generated on first start and kept in the data directory; the
// first admin's password is LABFORGE_BOOTSTRAP_ADMIN_PASSWORD when set
// (see recordAdmin otherwise). overrides holds the LABFORGE_GATEWAY_*
// settings of the lab site's gateway worker, which run in this process,
// the LABFORGE_SMTP_* ones of the SMTP sink and the LABFORGE_GUACAMOLE_*
// and LABFORGE_MOODLE_* ones of the simulators.
func platformConfig(dataDir string, environ []string, databaseURL string, mongo *ferret.Server, tmp *Temporal, overrides []string) (config.Config, error) {
	jwt, err := persistentSecret(dataDir, "jwt-secret", randomHex(32))
	if err != nil {
		return config.Config{}, err
	}
	env := append([]string{"LABFORGE_HTTP_ADDR=127.0.0.1:8080"}, environ...)
	env = append(env,
		"LABFORGE_DATABASE_URL="+databaseURL,
		"LABFORGE_MONGO_URI="+mongo.URI(),
		"LABFORGE_TEMPORAL_ADDRESS="+tmp.Address(),
		"LABFORGE_TEMPORAL_NAMESPACE="+tmp.Namespace(),
		"LABFORGE_JWT_SECRET="+jwt,
	)
	if !hasVariable(environ, "LABFORGE_SECRET_KEY") {
		key, err := persistentSecret(dataDir, "secret-key", newSecretKey)
		if err != nil {
			return config.Config{}, err
		}
		env = append(env, "LABFORGE_SECRET_KEY="+key)
	}
	env = append(env, overrides...)
	return config.LoadFrom(env)
}

// ensureDatabase creates the dev database unless it exists.
func ensureDatabase(ctx context.Context, pg *pgcluster.Cluster) error {
	err := pg.CreateDatabase(ctx, databaseName, "")
	var pgErr *pgconn.PgError
	if err == nil || (errors.As(err, &pgErr) && pgErr.Code == "42P04") {
		return nil
	}
	return fmt.Errorf("create the %s database: %w", databaseName, err)
}

// purgeAudit enforces audit retention on FerretDB until ctx ends.
func purgeAudit(ctx context.Context, p *app.Platform, logger *slog.Logger) {
	t := time.NewTicker(auditPurgeInterval)
	defer t.Stop()
	for {
		if n, err := p.Audit.PurgeExpired(ctx, time.Now()); err != nil && ctx.Err() == nil {
			logger.Warn("audit retention purge failed", slog.Any("error", err))
		} else if n > 0 {
			logger.Info("purged expired audit records", slog.Int64("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// lookupEnv returns the last value of key in environ, or "".
func lookupEnv(environ []string, key string) string {
	v := ""
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

func logIf(logger *slog.Logger, what string, err error) {
	if err != nil {
		logger.Warn(what, slog.Any("error", err))
	}
}

func displayAddr(addr string) string {
	if strings.HasPrefix(addr, "[::]:") || strings.HasPrefix(addr, "0.0.0.0:") {
		return "localhost:" + addr[strings.LastIndex(addr, ":")+1:]
	}
	return strings.Replace(addr, "127.0.0.1", "localhost", 1)
}

// hasVariable reports whether environ sets name.
func hasVariable(environ []string, name string) bool {
	for _, kv := range environ {
		if strings.HasPrefix(kv, name+"=") {
			return true
		}
	}
	return false
}

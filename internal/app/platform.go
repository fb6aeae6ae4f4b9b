package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/redact"
	"github.com/labforge/labforge/internal/temporalx"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/audit"
)

// Platform holds the connections every Labforge process shares.
type Platform struct {
	Config   config.Config
	Logger   *slog.Logger
	DB       *store.DB
	Audit    *audit.Store
	Temporal client.Client
	Metrics  *prometheus.Registry

	clientsOnce sync.Once
	clients     *activities.NodeClients

	waitersOnce   sync.Once
	waiters       *activities.SlotWaiters
	stopListening context.CancelFunc
	listening     sync.WaitGroup
}

// Connect reaches PostgreSQL (OpenDB: migrated, plain secrets sealed),
// MongoDB and Temporal, each bounded by cfg.StartupTimeout. It needs
// LABFORGE_SECRET_KEY. Its error is one sentence naming
// the dependency that failed and the variable that points at it.
func Connect(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Platform, error) {
	p := &Platform{Config: cfg, Logger: logger, Metrics: prometheus.NewRegistry()}
	p.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	ok := false
	defer func() {
		if !ok {
			p.Close()
		}
	}()

	var err error
	if p.DB, err = OpenDB(ctx, cfg, logger); err != nil {
		return nil, err
	}

	sctx, cancel := context.WithTimeout(ctx, cfg.StartupTimeout)
	defer cancel()
	p.Audit, err = audit.Open(sctx, cfg.MongoURI, cfg.MongoDatabase, audit.Retention{
		Audit: cfg.AuditRetention, Activity: cfg.ActivityRetention, SystemEvents: cfg.SystemEventRetention,
	})
	if err != nil {
		return nil, fmt.Errorf("%w (set %s)", err, config.VariableOf("MongoURI"))
	}

	if err := p.connectTemporal(ctx); err != nil {
		return nil, err
	}
	ok = true
	return p, nil
}

// OpenDB opens the PostgreSQL store of cfg with its keyring, within
// cfg.StartupTimeout: it migrates the schema (under an advisory lock, so
// replicas may start together) and seals the node token secrets older
// versions stored in plain text (row by row, so replicas may do it
// together). It needs LABFORGE_SECRET_KEY. Its error is one sentence
// naming the variable to check.
func OpenDB(ctx context.Context, cfg config.Config, logger *slog.Logger) (*store.DB, error) {
	keys, err := cfg.RequireKeyring()
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, cfg.StartupTimeout)
	defer cancel()
	db, err := store.Open(sctx, cfg.DatabaseURL, cfg.DatabaseMaxConns, store.WithKeyring(keys))
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL is unreachable at %s (%s): %w", redact.URL(cfg.DatabaseURL), config.VariableOf("DatabaseURL"), rootCause(err))
	}
	if err := db.Migrate(sctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating the PostgreSQL schema at %s failed: %w", redact.URL(cfg.DatabaseURL), err)
	}
	sealed, err := db.SealPlainSecrets(sctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sealing the plain node token secrets at %s failed: %w", redact.URL(cfg.DatabaseURL), err)
	}
	if sealed > 0 {
		logger.Info("sealed plain node token secrets", slog.Int("nodes", sealed), slog.String("key_id", keys.CurrentKeyID()))
	}
	return db, nil
}

// ConnectGateway reaches Temporal only, bounded by cfg.StartupTimeout: the
// platform of a worker that polls nothing but gateway.<site> queues, which
// reads neither PostgreSQL nor MongoDB (core reads a site's snapshot and
// passes it on). Its workers can serve gateway queues only.
func ConnectGateway(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Platform, error) {
	p := &Platform{Config: cfg, Logger: logger, Metrics: prometheus.NewRegistry()}
	p.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if err := p.connectTemporal(ctx); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// connectTemporal dials Temporal and waits until its namespace is ready.
func (p *Platform) connectTemporal(ctx context.Context) error {
	sctx, cancel := context.WithTimeout(ctx, p.Config.StartupTimeout)
	defer cancel()
	var err error
	p.Temporal, err = temporalx.Dial(sctx, temporalx.Options{
		Address: p.Config.TemporalAddress, Namespace: p.Config.TemporalNamespace, Logger: p.Logger, Metrics: p.Metrics,
		StartConcurrency: p.Config.TemporalStartConcurrency,
	})
	if err != nil {
		return err
	}
	return temporalx.Ready(sctx, p.Temporal, p.Config.TemporalNamespace)
}

// Close releases every connection; it is safe on a partly connected Platform.
func (p *Platform) Close() {
	if p.stopListening != nil {
		p.stopListening()
		p.listening.Wait()
	}
	if p.Temporal != nil {
		p.Temporal.Close()
	}
	if p.Audit != nil {
		_ = p.Audit.Close(context.Background())
	}
	if p.DB != nil {
		p.DB.Close()
	}
}

// readinessProbes are the dependency checks /readyz runs.
func (p *Platform) readinessProbes() map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"postgresql": func(ctx context.Context) error { return p.DB.Ping(ctx) },
		"mongodb":    func(ctx context.Context) error { return p.Audit.Ping(ctx) },
		"temporal": func(ctx context.Context) error {
			return temporalx.Ready(ctx, p.Temporal, p.Config.TemporalNamespace)
		},
	}
}

// rootCause drops the wrapping of a domain error, whose message would
// repeat what the caller's sentence already says.
func rootCause(err error) error {
	var de *domain.Error
	if errors.As(err, &de) && de.Err != nil {
		return de.Err
	}
	return err
}

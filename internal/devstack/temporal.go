package devstack

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"

	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/temporal"

	"github.com/labforge/labforge/internal/temporalx"
)

// Defaults of the dev stack's Temporal endpoints.
const (
	DefaultTemporalIP   = "127.0.0.1"
	DefaultTemporalPort = 7233
	DefaultNamespace    = "default"
)

// TemporalPortVariable is the setting a user changes when the frontend port
// is taken.
const TemporalPortVariable = "LABFORGE_DEV_TEMPORAL_PORT"

// clusterName names the single cluster of the embedded server.
const clusterName = "active"

// TemporalOptions configures the embedded Temporal server.
type TemporalOptions struct {
	// DatabaseFile is the SQLite file that keeps Temporal's state between
	// runs, such as .data/temporal.db; missing directories are created.
	DatabaseFile string
	// IP is the frontend's listen address; empty means 127.0.0.1. The other
	// services always stay on the loopback interface.
	IP string
	// Port is the frontend's gRPC port; 0 means 7233.
	Port int
	// Namespace is created if missing; empty means "default".
	Namespace string
	// Logger receives the server's warnings and errors; nil discards them.
	Logger *slog.Logger
}

// Temporal is a running embedded Temporal server.
type Temporal struct {
	server    temporal.Server
	logger    serverLogger
	address   string
	namespace string
	stopOnce  sync.Once
	stopErr   error
}

// StartTemporal starts a Temporal server on opts.DatabaseFile, with the
// namespace and Labforge's search attributes in place, and returns once its
// frontend answers. It fails with one sentence if the frontend port is taken.
func StartTemporal(ctx context.Context, opts TemporalOptions) (*Temporal, error) {
	if opts.DatabaseFile == "" {
		return nil, fmt.Errorf("devstack: TemporalOptions.DatabaseFile is required")
	}
	if opts.IP == "" {
		opts.IP = DefaultTemporalIP
	}
	if opts.Port == 0 {
		opts.Port = DefaultTemporalPort
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	if err := checkPortFree(opts.IP, opts.Port, "Temporal server", TemporalPortVariable); err != nil {
		return nil, err
	}
	if err := prepareDatabase(opts.DatabaseFile, clusterName, opts.Namespace, temporalx.SearchAttributes()); err != nil {
		return nil, err
	}
	cfg, err := serverConfig(opts)
	if err != nil {
		return nil, err
	}
	logger := newServerLogger(opts.Logger, slog.LevelWarn)
	// The server's services race each other while it starts and report
	// "Frontend is not healthy yet" until they settle; a start that really
	// fails returns an error below, so start-up chatter is dropped.
	logger.silence()
	srv, err := temporal.NewServer(
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	)
	if err != nil {
		return nil, fmt.Errorf("configure the embedded Temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start the embedded Temporal server: %w", err)
	}
	t := &Temporal{server: srv, logger: logger, address: cfg.PublicClient.HostPort, namespace: opts.Namespace}
	if err := t.ensureSearchAttributes(ctx, opts.Logger); err != nil {
		_ = t.Stop()
		return nil, err
	}
	logger.unsilence()
	return t, nil
}

// ensureSearchAttributes adds search attributes that Labforge gained after
// the namespace was created in an older database file.
func (t *Temporal) ensureSearchAttributes(ctx context.Context, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	quiet := slog.New(levelFloor{h: logger.Handler(), min: slog.LevelWarn})
	c, err := temporalx.Dial(ctx, temporalx.Options{Address: t.address, Namespace: t.namespace, Logger: quiet})
	if err != nil {
		return err
	}
	defer c.Close()
	return temporalx.EnsureSearchAttributes(ctx, c, t.namespace)
}

// dynamicConfig holds the server settings that differ from Temporal's
// defaults in the dev stack.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key():            true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key(): true,
	}
}

// Address is the frontend's host:port for clients.
func (t *Temporal) Address() string { return t.address }

// Namespace is the namespace the server was started with.
func (t *Temporal) Namespace() string { return t.namespace }

// Stop shuts the server down; later calls return the first call's result.
// The server's logs end here: while stopping it reports every connection
// its services lose to one another, which says nothing about the stack.
func (t *Temporal) Stop() error {
	t.stopOnce.Do(func() {
		t.logger.silence()
		t.stopErr = t.server.Stop()
	})
	return t.stopErr
}

// clientHost is the address a client on this machine dials to reach a
// frontend listening on ip.
func clientHost(ip string) string {
	if parsed := net.ParseIP(ip); parsed == nil || parsed.IsUnspecified() {
		return "127.0.0.1"
	}
	return ip
}

// hostPort joins a host and a port.
func hostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

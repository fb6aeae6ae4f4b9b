package devstack

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
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
	// ReadyTimeout bounds the wait for all of the server's services to
	// serve requests; 0 means DefaultReadyTimeout.
	ReadyTimeout time.Duration
	// Logger receives the server's warnings and errors, and what the start
	// waits for when the server is slow to become ready; nil discards them.
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
// namespace and Labforge's search attributes in place, and returns once all
// of its services — frontend, history, matching and the system worker —
// serve requests, so that callers may start workers and create schedules
// at once. It fails with one sentence if the frontend port is taken or if
// a service is not ready within opts.ReadyTimeout.
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
	if opts.ReadyTimeout == 0 {
		opts.ReadyTimeout = DefaultReadyTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
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
		temporal.WithStaticHosts(staticHosts(cfg)),
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
	if err := t.settle(ctx, opts); err != nil {
		_ = t.Stop()
		return nil, err
	}
	logger.unsilence()
	return t, nil
}

// settle waits until every service of the server is ready, then adds the
// search attributes that Labforge gained after the namespace was created
// in an older database file.
func (t *Temporal) settle(ctx context.Context, opts TemporalOptions) error {
	// The SDK's info logs about its own connection say nothing about the stack.
	quiet := slog.New(levelFloor{h: opts.Logger.Handler(), min: slog.LevelWarn})
	c, err := client.NewLazyClient(client.Options{HostPort: t.address, Namespace: t.namespace, Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		return fmt.Errorf("configure a client of the embedded Temporal server: %w", err)
	}
	defer c.Close()
	if err := waitReady(ctx, c, t.namespace, opts.ReadyTimeout, opts.Logger); err != nil {
		return err
	}
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

package temporalx

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/labforge/labforge/internal/config"
)

// Options says where Temporal is and how a client reports on itself.
type Options struct {
	// Address is the frontend's host:port, LABFORGE_TEMPORAL_ADDRESS.
	Address string
	// Namespace is the namespace the client works in,
	// LABFORGE_TEMPORAL_NAMESPACE; empty means "default".
	Namespace string
	// Logger receives the SDK's logs; nil means slog.Default().
	Logger *slog.Logger
	// Metrics receives the SDK's metrics (temporal_* series); nil means none.
	Metrics prometheus.Registerer
	// StartConcurrency is how many workflow starts the client sends at
	// once, LABFORGE_TEMPORAL_START_CONCURRENCY; more wait their turn in
	// order (see startLimiter). 0 means no limit.
	StartConcurrency int
}

// Dial connects to Temporal and checks that the frontend answers and knows
// the namespace, failing within ctx with a sentence that names the address
// or namespace and the setting behind it. The caller closes the client.
func Dial(ctx context.Context, opts Options) (client.Client, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if opts.Namespace == "" {
		opts.Namespace = client.DefaultNamespace
	}
	copts := client.Options{
		HostPort:  opts.Address,
		Namespace: opts.Namespace,
		Logger:    sdklog.NewStructuredLogger(logger),
	}
	if l := newStartLimiter(opts.StartConcurrency); l != nil {
		copts.Interceptors = append(copts.Interceptors, l)
	}
	if opts.Metrics != nil {
		copts.MetricsHandler = metricsHandler(opts.Metrics, logger)
	}
	c, err := client.DialContext(ctx, copts)
	if err != nil {
		return nil, unreachable(opts.Address, err)
	}
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		c.Close()
		return nil, unreachable(opts.Address, err)
	}
	if err := describeNamespace(ctx, c, opts.Namespace); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// unreachable explains a failed connection in one sentence.
func unreachable(address string, err error) error {
	return fmt.Errorf("Temporal is unreachable at %s (%s): %w", address, config.VariableOf("TemporalAddress"), err)
}

// Ready returns nil when the Temporal frontend answers its health check and
// knows namespace; /readyz calls it on every probe, so it is two cheap calls.
func Ready(ctx context.Context, c client.Client, namespace string) error {
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("Temporal health check failed: %w", err)
	}
	return describeNamespace(ctx, c, namespace)
}

// describeNamespace fails with a sentence naming the setting if the server
// does not know namespace.
func describeNamespace(ctx context.Context, c client.Client, namespace string) error {
	_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("Temporal namespace %q (%s) is not usable: %w", namespace, config.VariableOf("TemporalNamespace"), err)
	}
	return nil
}

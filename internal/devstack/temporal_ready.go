package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/primitives"
)

// DefaultReadyTimeout bounds the wait for the embedded server's services.
const DefaultReadyTimeout = time.Minute

// readyPoll is the pause between two tries of a readiness probe.
const readyPoll = 100 * time.Millisecond

// readyQuiet is how long a probe may fail before the wait is reported: a
// start from a warm database is ready well within it.
const readyQuiet = 2 * time.Second

// readyProbeID is a workflow id that never exists; describing it asks the
// history service, which answers NotFound once it owns its shard.
const readyProbeID = "labforge-devstack/readiness-probe"

// readinessProbe is one call that succeeds only when the part of the
// server it names serves requests.
type readinessProbe struct {
	what  string
	check func(ctx context.Context, c client.Client, namespace string) error
}

// readinessProbes are, in the order the server brings them up, the calls
// that show each of its services at work through the frontend, as a client
// sees them: frontend, persistence, history, matching, and the system
// worker that runs Temporal Schedules.
var readinessProbes = []readinessProbe{
	{"frontend (health check)", func(ctx context.Context, c client.Client, _ string) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}},
	{"namespace (describe namespace)", func(ctx context.Context, c client.Client, ns string) error {
		_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: ns})
		return err
	}},
	{"history service (describe a workflow)", func(ctx context.Context, c client.Client, _ string) error {
		_, err := c.DescribeWorkflowExecution(ctx, readyProbeID, "")
		if _, missing := errors.AsType[*serviceerror.NotFound](err); missing {
			return nil
		}
		return err
	}},
	{"matching and worker services (pollers of " + primitives.PerNSWorkerTaskQueue + ")", func(ctx context.Context, c client.Client, _ string) error {
		resp, err := c.DescribeTaskQueue(ctx, primitives.PerNSWorkerTaskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
		if err != nil {
			return err
		}
		if len(resp.GetPollers()) == 0 {
			return errors.New("no system worker polls yet")
		}
		return nil
	}},
}

// waitReady returns once every readiness probe succeeds against the server
// behind c, or fails with a sentence naming the service that is not ready
// when timeout passes or ctx ends. It logs what it waits for when a probe
// keeps failing for a while.
func waitReady(ctx context.Context, c client.Client, namespace string, timeout time.Duration, logger *slog.Logger) error {
	start := time.Now()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for _, p := range readinessProbes {
		reported := false
		for {
			err := callProbe(ctx, c, namespace, p)
			if err == nil {
				break
			}
			if !reported && time.Since(start) > readyQuiet {
				logger.Info("waiting for the embedded Temporal server", slog.String("for", p.what), slog.Any("last_error", err))
				reported = true
			}
			select {
			case <-ctx.Done():
				if parent.Err() != nil {
					return fmt.Errorf("stopped waiting for the embedded Temporal server's %s: %w", p.what, parent.Err())
				}
				return fmt.Errorf("the embedded Temporal server's %s is not ready after %s: %w",
					p.what, time.Since(start).Round(time.Second), err)
			case <-time.After(readyPoll):
			}
		}
		if reported {
			logger.Info("embedded Temporal server ready", slog.String("for", p.what), slog.Duration("after", time.Since(start).Round(time.Millisecond)))
		}
	}
	return nil
}

// callProbe runs one probe with its own short deadline, so that a call
// stuck in the SDK's retries does not use up the whole wait.
func callProbe(ctx context.Context, c client.Client, namespace string, p readinessProbe) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return p.check(ctx, c, namespace)
}

package temporalx_test

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"go.temporal.io/server/temporaltest"

	"github.com/labforge/labforge/internal/temporalx"
)

// allKeys are keys for every registered Labforge search attribute,
// including those no workflow sets yet, in name order.
func allKeys() []temporal.SearchAttributeKeyKeyword {
	var keys []temporal.SearchAttributeKeyKeyword
	for _, name := range slices.Sorted(maps.Keys(temporalx.SearchAttributes())) {
		keys = append(keys, temporal.NewSearchAttributeKeyKeyword(name))
	}
	return keys
}

// upsertAll sets every Labforge search attribute to its own name.
func upsertAll(ctx workflow.Context) error {
	var updates []temporal.SearchAttributeUpdate
	for _, k := range allKeys() {
		updates = append(updates, k.ValueSet("v-"+k.GetName()))
	}
	return workflow.UpsertTypedSearchAttributes(ctx, updates...)
}

func TestEnsureSearchAttributes(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	c := ts.GetDefaultClient()
	ns := ts.GetDefaultNamespace()

	// Two processes starting at once must both succeed.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { errs[i] = temporalx.EnsureSearchAttributes(ctx, c, ns) })
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.NoError(t, temporalx.EnsureSearchAttributes(ctx, c, ns), "second run must be a no-op")

	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
	require.NoError(t, err)
	for name := range temporalx.SearchAttributes() {
		require.Equal(t, enumspb.INDEXED_VALUE_TYPE_KEYWORD, resp.GetCustomAttributes()[name], name)
	}

	ts.NewWorker("sa-test", func(r worker.Registry) { r.RegisterWorkflow(upsertAll) })
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       "sa-test/upsert",
		TaskQueue:                "sa-test",
		WorkflowExecutionTimeout: time.Minute,
	}, upsertAll)
	require.NoError(t, err)
	require.NoError(t, run.Get(ctx, nil))

	desc, err := c.DescribeWorkflow(ctx, run.GetID(), run.GetRunID())
	require.NoError(t, err)
	for _, k := range allKeys() {
		got, ok := desc.TypedSearchAttributes.GetKeyword(k)
		require.True(t, ok, k.GetName())
		require.Equal(t, "v-"+k.GetName(), got)
	}
}

func TestEnsureSearchAttributesUnknownNamespace(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	err := temporalx.EnsureSearchAttributes(ctx, ts.GetDefaultClient(), "no-such-namespace")
	require.Error(t, err)
	require.Contains(t, err.Error(), "no-such-namespace")
}

package auditrelay_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auditrelay"
	"github.com/labforge/labforge/internal/ferret"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/audit"
	"github.com/labforge/labforge/store/audit/audittest"
	"github.com/labforge/labforge/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// audited commits one record with action through the outbox.
func audited(ctx context.Context, t *testing.T, db *store.DB, action string) {
	t.Helper()
	require.NoError(t, db.Audited(ctx, func(context.Context) (*domain.AuditRecord, error) {
		return &domain.AuditRecord{Action: action, ObjectType: "test", ObjectID: "1"}, nil
	}))
}

// actions lists the audit log's actions oldest first.
func actions(ctx context.Context, log *audit.Store) ([]string, error) {
	recs, _, err := log.ListAudit(ctx, domain.AuditFilter{Page: domain.Page{Limit: domain.MaxPageLimit}})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		out[len(recs)-1-i] = r.Action
	}
	return out, nil
}

// startRelay runs a relay over db and log until the test ends. Its poll
// interval is a minute, so a record arriving sooner came by notification.
func startRelay(t *testing.T, db *store.DB, log *audit.Store, reg prometheus.Registerer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	r := &auditrelay.Relay{Outbox: db, Log: log, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)),
		Batch: 3, Poll: time.Minute, DeliverTimeout: time.Second, MaxBackoff: 200 * time.Millisecond}
	require.NoError(t, r.Register(reg))
	require.NoError(t, r.Register(reg), "a second relay shares the metrics")
	wg.Go(func() { r.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
}

func TestRelayDeliversPromptlyAndSurvivesMongoDBDown(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db := storetest.New(t)
	dir := t.TempDir()
	quiet := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	mongo, err := ferret.Start(ctx, ferret.Options{Dir: dir, Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(func() { mongo.Stop() })
	log, err := audit.Open(ctx, mongo.URI(), "relay", audittest.Retention)
	require.NoError(t, err)
	t.Cleanup(func() { _ = log.Close(context.Background()) })

	// Records committed before the relay starts wait for it.
	var want []string
	for i := range 4 {
		want = append(want, fmt.Sprintf("before-%d", i))
		audited(ctx, t, db, want[i])
	}
	reg := prometheus.NewRegistry()
	startRelay(t, db, log, reg)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		got, err := actions(ctx, log)
		require.NoError(c, err)
		require.Equal(c, want, got)
	}, 10*time.Second, 50*time.Millisecond)

	// A new record arrives well before the minute-long poll: the relay
	// was woken. The bound leaves room for a machine busy with other tests.
	want = append(want, "prompt")
	audited(ctx, t, db, "prompt")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		got, err := actions(ctx, log)
		require.NoError(c, err)
		require.Equal(c, want, got)
	}, 20*time.Second, 20*time.Millisecond)

	// MongoDB goes down: changes still commit, and their records wait.
	mongo.Stop()
	for i := range 7 {
		want = append(want, fmt.Sprintf("down-%d", i))
		audited(ctx, t, db, want[len(want)-1])
	}
	time.Sleep(time.Second) // the relay tries, fails and backs off
	pending, failed, err := db.AuditOutboxBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, [2]int64{7, 0}, [2]int64{pending, failed})
	require.Equal(t, 7.0, metricValues(t, reg)["labforge_audit_outbox_pending"])

	// It comes back on the same port: every record arrives once, in order.
	u, err := url.Parse(mongo.URI())
	require.NoError(t, err)
	mongo, err = ferret.Start(ctx, ferret.Options{Dir: dir, Addr: u.Host, Logger: quiet})
	require.NoError(t, err)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		got, err := actions(ctx, log)
		require.NoError(c, err)
		require.Equal(c, want, got)
	}, 20*time.Second, 100*time.Millisecond)
	pending, failed, err = db.AuditOutboxBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, [2]int64{0, 0}, [2]int64{pending, failed})
	recs, _, err := log.ListAudit(ctx, domain.AuditFilter{Page: domain.Page{Limit: domain.MaxPageLimit}})
	require.NoError(t, err)
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	require.Len(t, slices.Compact(ids), len(want), "no record is stored twice")

	got := metricValues(t, reg)
	require.Equal(t, float64(len(want)), got["labforge_audit_relayed_total"])
	require.Positive(t, got["labforge_audit_relay_failures_total"])
	require.Zero(t, got["labforge_audit_refused_total"])
	require.Zero(t, got["labforge_audit_outbox_pending"])
}

// metricValues gathers reg's unlabelled metrics by name.
func metricValues(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	out := map[string]float64{}
	for _, f := range families {
		m := f.GetMetric()[0]
		if c := m.GetCounter(); c != nil {
			out[f.GetName()] = c.GetValue()
		} else {
			out[f.GetName()] = m.GetGauge().GetValue()
		}
	}
	return out
}

package benchstack

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/server/temporaltest"

	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/temporalx"
	"github.com/labforge/labforge/store/audit/audittest"
	"github.com/labforge/labforge/store/storetest"
)

// AdminPassword is the bootstrap administrator's password of every
// benchmark platform (user "admin").
const AdminPassword = "bench-admin-password-42"

// SecretKey is every benchmark platform's LABFORGE_SECRET_KEY.
const SecretKey = "bench1:YmVuY2gtc2VjcmV0LWtleS1vZi0zMi1ieXRlcy0hISE="

// Connect starts the embedded Temporal server and connects a platform to
// it, to a throw-away PostgreSQL database and to embedded FerretDB, with
// the LABFORGE_* settings env added to (and overriding) the benchmark's
// own. It registers the search attributes and the bootstrap
// administrator, and stops everything when tb ends. It cannot use
// internal/apptest, whose Start takes a *testing.T (temporaltest.WithT
// does too). The platform's and the SDK's logs are dropped: benchmarks
// report failures themselves, and a clone-slot wait alone logs hundreds
// of retried activity errors a round.
func Connect(tb testing.TB, env ...string) *app.Platform {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logger := slog.New(slog.DiscardHandler)
	ts := temporaltest.NewServer(temporaltest.WithBaseClientOptions(client.Options{Logger: logger}))
	tb.Cleanup(ts.Stop)
	cfg, err := config.LoadFrom(append([]string{
		"LABFORGE_DATABASE_URL=" + storetest.URL(tb),
		"LABFORGE_MONGO_URI=" + audittest.URI(tb),
		"LABFORGE_MONGO_DATABASE=" + audittest.Database(tb),
		"LABFORGE_TEMPORAL_ADDRESS=" + ts.GetFrontendHostPort(),
		"LABFORGE_TEMPORAL_NAMESPACE=" + ts.GetDefaultNamespace(),
		"LABFORGE_JWT_SECRET=" + strings.Repeat("bench-secret-", 4),
		"LABFORGE_BOOTSTRAP_ADMIN_PASSWORD=" + AdminPassword,
		"LABFORGE_SECRET_KEY=" + SecretKey,
		"LABFORGE_LOG_LEVEL=error",
	}, env...))
	if err != nil {
		tb.Fatalf("configuration: %v", err)
	}
	p, err := app.Connect(ctx, cfg, logger)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	if err := temporalx.EnsureSearchAttributes(ctx, p.Temporal, cfg.TemporalNamespace); err != nil {
		tb.Fatalf("registering search attributes: %v", err)
	}
	if _, err := p.EnsureAdmin(ctx); err != nil {
		tb.Fatalf("bootstrap administrator: %v", err)
	}
	return p
}

// Command labforge-worker runs Labforge's Temporal workers. --queues picks
// the task queues it polls (core, pve-actions, pve-clone, pve-periodic,
// gateway.<site>), so one image serves every worker role. --site NAME is
// shorthand for --queues gateway.NAME: the worker on a site's NGINX and
// dnsmasq host, configured by LABFORGE_GATEWAY_*, which applies the
// site's gateway configuration; it cannot be combined with other queues.
// A worker of gateway queues only connects to Temporal, not to PostgreSQL
// or MongoDB. The worker of pve-periodic also creates or updates the
// inventory-sync and reconcile Schedules. It serves Prometheus metrics
// (/metrics) and a liveness check (/healthz) on LABFORGE_METRICS_ADDR and
// stops gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/config"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "labforge-worker:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("labforge-worker", flag.ContinueOnError)
	queues := fs.String("queues", strings.Join(cfg.WorkerQueues, ","), "comma-separated task queues to poll (default from LABFORGE_WORKER_QUEUES)")
	site := fs.String("site", "", "run the gateway worker of this site: shorthand for --queues gateway.<site>")
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "queues" })
	if cfg.WorkerQueues, err = workerQueues(*queues, given, *site); err != nil {
		return err
	}
	if err := app.ValidateQueues(cfg.WorkerQueues); err != nil {
		return fmt.Errorf("--queues: %w", err)
	}
	logger := app.NewLogger(&cfg, os.Stderr)
	logger.Debug("configuration", slog.Any("config", cfg))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	connect := app.Connect
	if app.GatewayOnly(cfg.WorkerQueues) {
		connect = app.ConnectGateway // a gateway host reads neither PostgreSQL nor MongoDB
	}
	p, err := connect(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer p.Close()
	l, err := app.Listen(cfg.MetricsAddr, config.VariableOf("MetricsAddr"))
	if err != nil {
		return err
	}
	ws, err := p.StartWorkers(cfg.WorkerQueues)
	if err != nil {
		return err
	}
	defer ws.Stop()
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(p.Metrics, promhttp.HandlerOpts{Registry: p.Metrics}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	logger.Info("worker running", slog.Any("queues", cfg.WorkerQueues), slog.String("metrics", l.Addr().String()))
	err = app.Serve(ctx, l, mux, cfg.ShutdownTimeout, logger)
	logger.Info("worker stopping")
	return err
}

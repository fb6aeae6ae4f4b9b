// Command labforge-devstack runs the whole Labforge platform in one process
// for a laptop: embedded Temporal server and Web UI, a PostgreSQL cluster
// from the local server binaries, embedded FerretDB, the Proxmox VE
// simulator, the API and workers for every standard queue. State lives
// under .data/ (LABFORGE_DEV_DATA_DIR) and survives restarts; the simulated
// guests do not. `make dev` runs it.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/devstack"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "labforge-devstack:", err)
		os.Exit(1)
	}
}

func run() error {
	settings, err := devstack.LoadSettings(os.Environ())
	if err != nil {
		return err
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	logger := app.NewLogger(&cfg, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return devstack.Run(ctx, settings, os.Environ(), os.Stdout, logger.With(slog.String("component", "devstack")))
}

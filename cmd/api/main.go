// Command labforge-api serves Labforge's REST API. It reads LABFORGE_*
// environment variables (docs/configuration.md), checks PostgreSQL, MongoDB
// and Temporal once at start, migrates the schema, creates the first
// administrator when there is none, and serves until SIGINT or SIGTERM.
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
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "labforge-api:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	if err := cfg.RequireJWTSecret(); err != nil {
		return err
	}
	logger := app.NewLogger(&cfg, os.Stderr)
	logger.Debug("configuration", slog.Any("config", cfg))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	p, err := app.Connect(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer p.Close()
	creds, err := p.EnsureAdmin(ctx)
	if err != nil {
		return err
	}
	app.PrintAdmin(os.Stdout, creds)
	handler, err := p.APIHandler()
	if err != nil {
		return err
	}
	l, err := app.Listen(cfg.HTTPAddr, config.VariableOf("HTTPAddr"))
	if err != nil {
		return err
	}
	logger.Info("api listening", slog.String("addr", l.Addr().String()))
	err = app.Serve(ctx, l, handler, cfg.ShutdownTimeout, logger)
	logger.Info("api stopped")
	return err
}

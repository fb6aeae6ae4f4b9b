// Command guacsim runs the Guacamole REST API simulator
// (internal/sim/guacamole) as a standalone HTTP server on loopback, for demos
// and manual testing with curl or the Labforge client. (The dev stack runs
// the same simulator in its own process.)
//
//	guacsim -listen 127.0.0.1:8081 -token-timeout 60m -time-scale 0.01
//
// It prints the base URL (the API is under /api) and the administrator's
// credentials, then serves until interrupted. The admin API under /_sim
// (stats, faults, connections, users, expire-tokens) is documented in the
// simulator's package.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "guacsim:", err)
		os.Exit(1)
	}
}

// run starts the simulator and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var (
		cfg      guacsim.Config
		listen   string
		logLevel string
	)
	fs := flag.NewFlagSet("guacsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&listen, "listen", "127.0.0.1:8081", "loopback address to serve HTTP on")
	fs.StringVar(&cfg.AdminUsername, "admin-username", "", "administrator's username (default guacadmin)")
	fs.StringVar(&cfg.AdminPassword, "admin-password", "", "administrator's password (default guacadmin)")
	fs.StringVar(&cfg.DataSource, "data-source", "", "data source sign-in reports (default postgresql)")
	fs.DurationVar(&cfg.TokenTimeout, "token-timeout", 0, "inactivity after which a token expires (default 60m)")
	fs.Float64Var(&cfg.TimeScale, "time-scale", 0, "multiply the token timeout (0 means 1)")
	fs.Uint64Var(&cfg.RandomSeed, "random-seed", 1, "seed of injected faults")
	fs.Float64Var(&cfg.Faults.ErrorRate, "error-rate", 0, "fraction of API requests failing with 500 INTERNAL_ERROR")
	fs.DurationVar(&cfg.Faults.Latency, "latency", 0, "latency added to every API request")
	fs.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("log level: %w", err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	s, err := guacsim.NewServer(cfg)
	if err != nil {
		return err
	}
	if err := s.Start(ctx, listen); err != nil {
		return err
	}
	defer s.Close()
	user, password := s.AdminCredentials()
	fmt.Fprintln(stdout, "guacsim: Guacamole REST API simulator")
	fmt.Fprintf(stdout, "URL:          %s\n", s.URL())
	fmt.Fprintf(stdout, "Admin:        %s / %s\n", user, password)
	fmt.Fprintf(stdout, "Data source:  %s\n", s.DataSource())
	<-ctx.Done()
	return nil
}

// Command moodlesim runs the Moodle web service simulator
// (internal/sim/moodle) as a standalone HTTP server on loopback, for demos
// and manual testing with curl or the Labforge worker:
//
//	moodlesim -listen 127.0.0.1:8017 -template "LINUX-TPL=Linux lab template"
//
// It prints the site URL and the web service token, then serves until
// interrupted. The admin API under /_sim (stats, faults, down/up, courses,
// users) is documented in the package.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "moodlesim:", err)
		os.Exit(1)
	}
}

// templates collects repeated -template flags.
type templates []moodlesim.SeedCourse

func (t *templates) String() string { return fmt.Sprint(len(*t)) }

func (t *templates) Set(v string) error {
	short, full, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(short) == "" || strings.TrimSpace(full) == "" {
		return fmt.Errorf("%q is not SHORTNAME=Full name", v)
	}
	*t = append(*t, moodlesim.SeedCourse{Shortname: strings.TrimSpace(short), Fullname: strings.TrimSpace(full), Hidden: true})
	return nil
}

// run starts the simulator and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("moodlesim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg       moodlesim.Config
		tpls      templates
		listen    = fs.String("listen", "127.0.0.1:8017", "loopback address to serve HTTP on")
		logLevel  = fs.String("log-level", "info", "debug, info, warn or error")
		noDefault = fs.Bool("no-default-template", false, "leave out the default template course "+moodlesim.DefaultTemplateShortname)
	)
	fs.StringVar(&cfg.Token, "token", moodlesim.DefaultToken, "the web service token clients must send")
	fs.Var(&tpls, "template", "a template course SHORTNAME=Full name (repeatable)")
	fs.BoolVar(&cfg.Debug, "debug", false, "add debuginfo to exceptions, as Moodle does with debugging on")
	fs.Uint64Var(&cfg.RandomSeed, "random-seed", 1, "seed of injected faults")
	fs.Float64Var(&cfg.Faults.ErrorRate, "error-rate", 0, "fraction of requests answered with -error-status")
	fs.IntVar(&cfg.Faults.ErrorStatus, "error-status", 503, "HTTP status of injected errors (5xx)")
	fs.BoolVar(&cfg.Faults.Maintenance, "maintenance", false, "answer every call with the sitemaintenance exception")
	fs.DurationVar(&cfg.Faults.Latency, "latency", 0, "latency added to every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("log level: %w", err)
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	seed := moodlesim.DefaultSeed()
	if *noDefault {
		seed.Courses = nil
	}
	seed.Courses = append(seed.Courses, tpls...)
	cfg.Seed = &seed
	s, err := moodlesim.NewServer(cfg)
	if err != nil {
		return err
	}
	if err := s.Start(*listen); err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintln(stdout, "moodlesim: Moodle web service simulator")
	fmt.Fprintf(stdout, "URL:        %s\n", s.URL())
	fmt.Fprintf(stdout, "REST:       %s%s\n", s.URL(), moodlesim.RESTPath)
	fmt.Fprintf(stdout, "Token:      %s\n", s.Token())
	for _, c := range s.Courses() {
		fmt.Fprintf(stdout, "Course:     %d %s (%s)\n", c.ID, c.Shortname, c.Fullname)
	}
	<-ctx.Done()
	return nil
}

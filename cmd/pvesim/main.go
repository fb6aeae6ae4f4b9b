// Command pvesim runs the Proxmox VE 9 API simulator (internal/sim/pvesim) as a
// standalone HTTPS server on loopback, for demos and manual testing with
// go-proxmox, curl or pvesh-like tools. (The dev stack does not need it: it
// runs the same simulator in its own process.)
//
//	pvesim -listen 127.0.0.1:8006 -seed cmd/pvesim/seed.example.yaml -time-scale 0.1
//
// It prints the API URL, the API token header and the certificate
// fingerprint to pin, then serves until interrupted. The admin API under
// /_sim (stats, faults, node down/up, guests, tasks, leases) is documented
// in package pvesim.
// With -guest-ports, running containers whose address is on loopback
// answer HTTP on those ports (pvesim.Config.GuestPorts); a seed's bridge may
// name a dnsmasq dhcp-hostsfile to take leases from (dhcp_hosts_file).
// Like a real cluster, GET /cluster/resources shows guest status and names
// as of each node's last status update, every -status-refresh (10 s before
// the time scale; 0 shows every change at once); POST /_sim/status/refresh
// makes every node update now.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/labforge/labforge/internal/sim/pvesim"
	"github.com/labforge/labforge/internal/sim/pvesim/pveschema"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "pvesim:", err)
		os.Exit(1)
	}
}

// options are the command-line settings.
type options struct {
	listen           string
	seedFile         string
	timeScale        float64
	randomSeed       uint64
	storageLockLimit int
	statusRefresh    time.Duration
	certFile         string
	keyFile          string
	certOut          string
	schemaFile       string
	noValidate       bool
	logLevel         string
	guestPorts       string
	faults           pvesim.Faults
}

// parseFlags reads the command line; fault flags given override the seed's.
func parseFlags(args []string, stderr io.Writer) (options, map[string]bool, error) {
	var o options
	fs := flag.NewFlagSet("pvesim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8006", "loopback address to serve HTTPS on")
	fs.StringVar(&o.seedFile, "seed", "", "seed file (YAML or JSON); empty means the built-in two-node dev cluster")
	fs.Float64Var(&o.timeScale, "time-scale", 0, "multiply simulated durations (0.01 makes a 60 s clone take 0.6 s); 0 keeps the seed's or 1")
	fs.Uint64Var(&o.randomSeed, "random-seed", 1, "seed of every random decision (faults, MACs, UUIDs)")
	fs.IntVar(&o.storageLockLimit, "storage-lock-limit", 0, "clone/create/destroy tasks per storage before lock timeouts (0 = 4, negative = unlimited)")
	fs.DurationVar(&o.statusRefresh, "status-refresh", pvesim.DefaultStatusRefresh, "how often (before the time scale) nodes refresh the status data cluster/resources reports, as pvestatd does; 0 shows every change at once")
	fs.StringVar(&o.certFile, "cert", "", "PEM certificate file (default: a fresh self-signed certificate)")
	fs.StringVar(&o.keyFile, "key", "", "PEM key file for -cert")
	fs.StringVar(&o.certOut, "cert-out", "", "write the served certificate as PEM to this file, for clients' CA file")
	fs.StringVar(&o.schemaFile, "schema", "", "PVE 9.1 API schema file (default: $"+pveschema.EnvSchemaPath+" or shared/reference/pve-9.1-api-schema.json above the working directory)")
	fs.BoolVar(&o.noValidate, "no-validate", false, "do not validate requests against the PVE schema")
	fs.StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&o.guestPorts, "guest-ports", "", "comma-separated TCP ports running containers on loopback addresses answer HTTP on (e.g. 80,8080)")
	fs.Float64Var(&o.faults.ErrorRate, "error-rate", 0, "fraction of API requests failing with a transient 500")
	fs.Float64Var(&o.faults.LockTimeoutRate, "lock-timeout-rate", 0, "fraction of clone/create/destroy tasks failing with the storage-lock timeout")
	fs.Float64Var(&o.faults.UnreachableRate, "unreachable-rate", 0, "fraction of node requests answering 595/596")
	fs.Float64Var(&o.faults.TaskFailureRate, "task-failure-rate", 0, "fraction of tasks ending with an error")
	fs.DurationVar(&o.faults.Latency, "latency", 0, "latency added to every API request")
	fs.DurationVar(&o.faults.LatencyJitter, "latency-jitter", 0, "random extra latency up to this much")
	fs.IntVar(&o.faults.NodeDownCode, "node-down-code", 0, "status of requests to a down node: 595 (default) or 596")
	if err := fs.Parse(args); err != nil {
		return o, nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return o, set, nil
}

// run starts the simulator and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, set, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return fmt.Errorf("log level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	seed := pvesim.DefaultSeed()
	if o.seedFile != "" {
		if seed, err = pvesim.LoadSeed(o.seedFile); err != nil {
			return err
		}
	}
	applyFaultFlags(&seed.Faults, o.faults, set)

	ports, err := parsePorts(o.guestPorts)
	if err != nil {
		return fmt.Errorf("-guest-ports: %w", err)
	}
	cfg := pvesim.Config{
		Seed: seed, TimeScale: o.timeScale, RandomSeed: o.randomSeed, StorageLockLimit: o.storageLockLimit,
		SkipValidation: o.noValidate, GuestPorts: ports, Logger: logger, StatusRefresh: o.statusRefresh,
	}
	if o.statusRefresh <= 0 {
		cfg.StatusRefresh = pvesim.InstantStatus
	}
	if o.schemaFile != "" && !o.noValidate {
		if cfg.Schema, err = pveschema.Load(o.schemaFile); err != nil {
			return err
		}
	}
	if o.certFile != "" || o.keyFile != "" {
		cert, err := pvesim.LoadCertificate(o.certFile, o.keyFile)
		if err != nil {
			return fmt.Errorf("certificate: %w", err)
		}
		cfg.Certificate = &cert
	}
	s, err := pvesim.NewServer(cfg)
	if err != nil {
		return err
	}
	if err := s.Start(ctx, o.listen); err != nil {
		return err
	}
	defer s.Close()
	if o.certOut != "" {
		if err := pvesim.WriteCertificatePEM(o.certOut, s.Certificate()); err != nil {
			return err
		}
	}
	_, _, header := s.Token()
	fmt.Fprintln(stdout, "pvesim: Proxmox VE API simulator")
	fmt.Fprintf(stdout, "URL:          %s\n", s.URL())
	fmt.Fprintf(stdout, "API:          %s\n", s.APIURL())
	fmt.Fprintf(stdout, "Token:        %s\n", header)
	fmt.Fprintf(stdout, "Fingerprint:  %s\n", s.Fingerprint())
	fmt.Fprintf(stdout, "Time scale:   %g\n", s.TimeScale())
	fmt.Fprintf(stdout, "Validation:   %v\n", s.Validating())
	<-ctx.Done()
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		return errors.New("shutdown timed out")
	}
	return nil
}

// applyFaultFlags copies the fault flags that were given onto the seed's faults.
func applyFaultFlags(dst *pvesim.Faults, src pvesim.Faults, set map[string]bool) {
	if set["error-rate"] {
		dst.ErrorRate = src.ErrorRate
	}
	if set["lock-timeout-rate"] {
		dst.LockTimeoutRate = src.LockTimeoutRate
	}
	if set["unreachable-rate"] {
		dst.UnreachableRate = src.UnreachableRate
	}
	if set["task-failure-rate"] {
		dst.TaskFailureRate = src.TaskFailureRate
	}
	if set["latency"] {
		dst.Latency = src.Latency
	}
	if set["latency-jitter"] {
		dst.LatencyJitter = src.LatencyJitter
	}
	if set["node-down-code"] {
		dst.NodeDownCode = src.NodeDownCode
	}
}

// parsePorts parses a comma-separated list of ports; "" is none.
func parsePorts(list string) ([]int, error) {
	var ports []int
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := strconv.Atoi(f)
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("%q is not a port", f)
		}
		ports = append(ports, p)
	}
	return ports, nil
}

// Command labforge-admin runs maintenance tasks against Labforge's
// database with the same LABFORGE_* settings as the api and the worker.
//
//	labforge-admin rotate-secrets
//
// rotate-secrets seals the node token secrets older versions stored in
// plain text and re-seals every stored secret (node token secrets,
// connection passwords of environments and of events' snapshots) sealed
// with a previous key under LABFORGE_SECRET_KEY, row by row, so it may run
// while the platform runs and may be repeated. It prints what it found per
// table and exits with status 2 when some secret could not be opened (its
// key is not in LABFORGE_SECRET_KEYS_PREVIOUS): those are left untouched.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/app"
	"github.com/labforge/labforge/internal/config"
)

const usage = `usage: labforge-admin COMMAND

Commands:
  rotate-secrets   re-seal every stored secret under LABFORGE_SECRET_KEY
                   (previous keys in LABFORGE_SECRET_KEYS_PREVIOUS open the old ones)
`

// errUnreadable makes the command exit with status 2.
var errUnreadable = errors.New("some secrets could not be opened and were left as they are; add their keys to LABFORGE_SECRET_KEYS_PREVIOUS and run again")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout)
	switch {
	case err == nil:
	case errors.Is(err, errUnreadable):
		fmt.Fprintln(os.Stderr, "labforge-admin:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "labforge-admin:", err)
		os.Exit(1)
	}
}

// run runs the command args name with the configuration of environ,
// writing its report to out.
func run(ctx context.Context, args, environ []string, out io.Writer) error {
	if len(args) != 1 || args[0] != "rotate-secrets" {
		return errors.New("unknown command\n" + usage)
	}
	cfg, err := config.LoadFrom(environ)
	if err != nil {
		return err
	}
	rotation, err := rotateSecrets(ctx, cfg)
	if err != nil {
		return err
	}
	if err := report(out, rotation); err != nil {
		return err
	}
	for _, t := range rotation.Tables {
		if t.Unreadable > 0 {
			return errUnreadable
		}
	}
	return nil
}

// rotateSecrets opens the database of cfg as the api and the workers do
// (schema migrated, plain secrets sealed) and rotates its secrets.
func rotateSecrets(ctx context.Context, cfg config.Config) (*domain.SecretRotation, error) {
	db, err := app.OpenDB(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.SlogLevel()})))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.RotateSecrets(ctx)
}

// report prints the counts per table, then the unreadable secrets.
func report(out io.Writer, r *domain.SecretRotation) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "secrets sealed with key %s\n", r.KeyID)
	fmt.Fprintln(w, "TABLE\tCURRENT\tRESEALED\tSEALED (WERE PLAIN)\tUNREADABLE")
	for _, t := range r.Tables {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\n", t.Table, t.Current, t.Resealed, t.Sealed, t.Unreadable)
	}
	for _, u := range r.Unreadable {
		fmt.Fprintf(w, "unreadable: %s %s (key %s): %s\n", u.Table, u.Row, u.KeyID, u.Reason)
	}
	return w.Flush()
}

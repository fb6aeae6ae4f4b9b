// Package ferret runs an embedded FerretDB server (MongoDB wire protocol on
// SQLite) inside the process, for the dev stack and for tests. Production
// uses a real MongoDB; nothing outside the dev stack and tests imports this.
package ferret

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// StartTimeout bounds how long Start waits for the server to answer a ping
// when ctx has no earlier deadline.
const StartTimeout = 30 * time.Second

// Options configure Start.
type Options struct {
	// Dir holds the SQLite files, one per database. It is created if
	// missing, and data in it survives a restart.
	Dir string
	// Addr is the loopback address to listen on: "127.0.0.1:0" picks a
	// free port, "127.0.0.1:27017" a fixed one. Empty means "127.0.0.1:0".
	Addr string
	// Logger receives FerretDB's own records at warn level and above
	// (less the per-command error dumps, see ferretLogs);
	// nil means slog.Default().
	Logger *slog.Logger
}

// Server is a running embedded FerretDB.
type Server struct {
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Start starts FerretDB on opts.Addr with its data in opts.Dir and returns
// once a MongoDB client can ping it. ctx bounds only the start-up (at most
// StartTimeout); the server then runs until Stop. A port already in use, a
// non-loopback address or a server that does not answer in time is an error
// that says so in one sentence.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("ferret: Options.Dir is empty; FerretDB needs a directory for its SQLite files")
	}
	addr, err := checkAddr(opts.Addr)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("ferret: data directory %q: %w", opts.Dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ferret: cannot create data directory %s: %w", dir, err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Logger:    slog.New(ferretLogs{inner: logger.With("component", "ferretdb").Handler(), min: slog.LevelWarn}),
		Handler:   "sqlite",
		SQLiteURL: sqliteURL(dir),
	})
	if err != nil {
		return nil, fmt.Errorf("ferret: cannot start FerretDB on %s with data in %s: %w", addr, dir, err)
	}

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if err := f.Run(runCtx); err != nil {
			logger.Error("FerretDB stopped with an error", "err", err)
		}
	}()
	// The listener is bound inside ferretdb.New, so the address is known
	// now; Run only has to be started before clients are served.
	s.uri = f.MongoDBURI()

	if err := waitForPing(ctx, s.uri); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// URI returns the mongodb:// URI of the server, without a database name.
func (s *Server) URI() string { return s.uri }

// Stop shuts the server down and waits until it has closed its listener,
// its connections and its SQLite files. It is safe to call more than once.
func (s *Server) Stop() {
	s.once.Do(func() {
		s.cancel()
		<-s.done
	})
}

// waitForPing pings uri until it answers, ctx is done or StartTimeout passes.
func waitForPing(ctx context.Context, uri string) error {
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()

	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(time.Second))
	if err != nil {
		return fmt.Errorf("ferret: cannot create a client for %s: %w", uri, err)
	}
	defer func() { _ = client.Disconnect(context.WithoutCancel(ctx)) }()

	for {
		err = client.Ping(ctx, readpref.Primary())
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ferret: FerretDB at %s did not answer a ping before the start-up deadline: %w", uri, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

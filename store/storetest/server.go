package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/labforge/labforge/internal/pgcluster"
	"github.com/labforge/labforge/store"
)

// server is the PostgreSQL server of one test binary and its template.
type server struct {
	adminURL string // the maintenance database
	admin    *pgxpool.Pool
	prefix   string // unique per test binary, so binaries can share a server
	template string
	cluster  *pgcluster.Cluster // nil with EnvURL
	dir      string
	next     atomic.Int64
}

var (
	setupOnce sync.Once
	srv       *server
	setupErr  error
)

// shared starts (once) and returns the binary's server.
func shared() (*server, error) {
	setupOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		srv, setupErr = setup(ctx)
	})
	return srv, setupErr
}

func setup(ctx context.Context) (*server, error) {
	tag := make([]byte, 4)
	_, _ = rand.Read(tag)
	s := &server{prefix: "lft_" + hex.EncodeToString(tag)}
	s.template = s.prefix + "_template"

	s.adminURL = os.Getenv(EnvURL)
	if s.adminURL == "" {
		if err := s.startCluster(ctx); err != nil {
			return nil, err
		}
	} else if u, err := url.Parse(s.adminURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("%s must be a postgres:// URL", EnvURL)
	}
	var err error
	if s.admin, err = pgxpool.New(ctx, s.adminURL); err != nil {
		s.stop()
		return nil, err
	}
	if err := s.migrateTemplate(ctx); err != nil {
		s.stop()
		return nil, fmt.Errorf("prepare the template database: %w", err)
	}
	return s, nil
}

func (s *server) startCluster(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "labforge-storetest-")
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: filepath.Join(dir, "data"), Fast: true, Logger: log})
	if err != nil {
		os.RemoveAll(dir)
		if errors.Is(err, pgcluster.ErrBinariesNotFound) {
			return fmt.Errorf("%w (or set %s for tests)", err, EnvURL)
		}
		return err
	}
	s.cluster, s.dir, s.adminURL = c, dir, c.URL("postgres")
	return nil
}

// migrateTemplate creates the template database, migrates it and closes
// it to connections, which copying it requires.
func (s *server) migrateTemplate(ctx context.Context) error {
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(s.template)); err != nil {
		return err
	}
	db, err := store.Open(ctx, s.urlOf(s.template), 2)
	if err != nil {
		return err
	}
	err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		return err
	}
	_, err = s.admin.Exec(ctx, "ALTER DATABASE "+ident(s.template)+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
	return err
}

// createDatabase copies the template into a new database and returns its name.
func (s *server) createDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("%s_%d", s.prefix, s.next.Add(1))
	_, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(s.template))
	return name, err
}

// createEmptyDatabase creates a new database without Labforge's schema.
func (s *server) createEmptyDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("%s_%d_empty", s.prefix, s.next.Add(1))
	_, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(name))
	return name, err
}

func (s *server) dropDatabase(ctx context.Context, name string) error {
	_, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)")
	return err
}

// urlOf returns the admin URL pointed at database name.
func (s *server) urlOf(name string) string {
	u, err := url.Parse(s.adminURL)
	if err != nil {
		panic(err) // setup checked the URL
	}
	u.Path = "/" + name
	return u.String()
}

// stop drops the template from a shared server, closes the admin pool and
// stops the cluster.
func (s *server) stop() error {
	var errs []error
	if s.admin != nil {
		if s.cluster == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			_, err := s.admin.Exec(ctx, "ALTER DATABASE "+ident(s.template)+" WITH IS_TEMPLATE false")
			if err == nil {
				err = s.dropDatabase(ctx, s.template)
			}
			cancel()
			errs = append(errs, err)
		}
		s.admin.Close()
	}
	if s.cluster != nil {
		errs = append(errs, s.cluster.Stop(), os.RemoveAll(s.dir))
	}
	return errors.Join(errs...)
}

var (
	shutdownOnce sync.Once
	shutdownErr  error
)

// shutdown stops the binary's server if one was started. Only the first
// call does anything.
func shutdown() error {
	shutdownOnce.Do(func() {
		if srv != nil {
			shutdownErr = srv.stop()
		}
	})
	return shutdownErr
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

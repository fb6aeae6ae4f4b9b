package store

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// CloneSlotChannel is the PostgreSQL notification channel on which a
// released clone slot is announced; the payload is "<node-id> <storage>".
const CloneSlotChannel = "labforge_clone_slots"

// Listen delivers every notification on channel to fn until ctx ends. It
// holds one connection of its own, outside the pool, and reconnects after
// a failure (waiting up to 30 s between tries), calling onReconnect once it
// listens again, since notifications sent meanwhile are lost. fn runs on
// Listen's goroutine and must not block. Listen returns nil when ctx ends,
// or the error of a channel name PostgreSQL refuses.
func (db *DB) Listen(ctx context.Context, channel string, fn func(payload string), onReconnect func()) error {
	backoff := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := db.listenOnce(ctx, channel, fn, func() {
			backoff = 100 * time.Millisecond
			if attempt > 0 && onReconnect != nil {
				onReconnect()
			}
		})
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errListenRefused) {
			return err
		}
		db.log.Warn("listening for PostgreSQL notifications failed; reconnecting",
			slog.String("channel", channel), slog.Duration("after", backoff), slog.Any("error", err))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

var errListenRefused = errors.New("PostgreSQL refused to LISTEN")

// listenOnce runs one connection's LISTEN loop until it fails or ctx ends.
func (db *DB) listenOnce(ctx context.Context, channel string, fn func(string), listening func()) error {
	conn, err := pgx.ConnectConfig(ctx, db.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		if ctx.Err() == nil && conn.IsClosed() {
			return err
		}
		return errors.Join(errListenRefused, err)
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}

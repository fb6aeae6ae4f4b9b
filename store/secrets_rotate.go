package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/secrets"
)

// The places secrets are stored, as SecretCounts name them.
const (
	SecretsNodes       = "nodes"
	SecretsConnections = "environment_connections"
	SecretsSnapshots   = "events.environment_snapshot"
)

// errNoKeyring reports a rotation asked of a store without a keyring.
var errNoKeyring = domain.Errorf(domain.KindUnavailable, "secrets cannot be sealed: the server has no LABFORGE_SECRET_KEY")

// SealPlainSecrets seals, with the current key, the node token secrets
// older versions stored in plain text, and returns how many it sealed.
// Each row is changed only if it still holds the plain value read, so
// processes starting together may all run it.
func (db *DB) SealPlainSecrets(ctx context.Context) (int, error) {
	if db.keys == nil {
		return 0, errNoKeyring
	}
	r := &rotation{db: db, keys: db.keys, out: &domain.SecretRotation{KeyID: db.keys.CurrentKeyID()}}
	c := domain.SecretCounts{Table: SecretsNodes}
	err := r.nodes(ctx, &c, `token_secret <> ''`)
	return c.Sealed, err
}

// RotateSecrets seals every plain secret and re-seals every secret sealed
// with a previous key under the current key: node token secrets,
// environment connection passwords and those of events' environment
// snapshots. Each row is rewritten on its own, and only if it still holds
// the value read, so it is safe while the platform runs and may be
// repeated. A secret no configured key opens is counted, listed and left
// untouched.
func (db *DB) RotateSecrets(ctx context.Context) (*domain.SecretRotation, error) {
	if db.keys == nil {
		return nil, errNoKeyring
	}
	r := &rotation{db: db, keys: db.keys, out: &domain.SecretRotation{KeyID: db.keys.CurrentKeyID(), Unreadable: []domain.UnreadableSecret{}}}
	steps := []struct {
		table string
		run   func(context.Context, *domain.SecretCounts) error
	}{
		{SecretsNodes, func(ctx context.Context, c *domain.SecretCounts) error { return r.nodes(ctx, c, "true") }},
		{SecretsConnections, r.connections},
		{SecretsSnapshots, r.snapshots},
	}
	for _, s := range steps {
		c := domain.SecretCounts{Table: s.table}
		if err := s.run(ctx, &c); err != nil {
			return nil, err
		}
		r.out.Tables = append(r.out.Tables, c)
	}
	return r.out, nil
}

// rotation is one run of RotateSecrets or SealPlainSecrets.
type rotation struct {
	db   *DB
	keys *secrets.Keyring
	out  *domain.SecretRotation
}

// verdict is what reseal decided for one stored secret: the sealed value
// to write (nil to leave the row) and the count a successful write, or
// leaving the row, adds to.
type verdict struct {
	sealed  *domain.SealedSecret
	counter *int
}

// reseal decides for one secret, plain or sealed, of row in c's table.
func (r *rotation) reseal(c *domain.SecretCounts, row, plain string, s *domain.SealedSecret) verdict {
	if s == nil {
		return verdict{sealed: r.keys.Seal(plain), counter: &c.Sealed}
	}
	opened, err := r.keys.Open(s)
	switch {
	case err != nil:
		reason := "it does not authenticate under its key"
		if errors.Is(err, secrets.ErrUnknownKey) {
			reason = "its key is not configured"
		}
		if len(r.out.Unreadable) < domain.MaxUnreadableListed {
			r.out.Unreadable = append(r.out.Unreadable, domain.UnreadableSecret{Table: c.Table, Row: row, KeyID: s.KeyID, Reason: reason})
		}
		return verdict{counter: &c.Unreadable}
	case s.KeyID == r.keys.CurrentKeyID():
		return verdict{counter: &c.Current}
	}
	return verdict{sealed: r.keys.Seal(opened), counter: &c.Resealed}
}

// apply counts v when write (run only for a new sealed value) changed a
// row; a row changed meanwhile by someone else is left to them.
func (v verdict) apply(write func(*domain.SealedSecret) (bool, error)) error {
	if v.sealed != nil {
		changed, err := write(v.sealed)
		if err != nil || !changed {
			return err
		}
	}
	*v.counter++
	return nil
}

// nodes rotates the token secrets of the nodes matching where.
func (r *rotation) nodes(ctx context.Context, c *domain.SecretCounts, where string) error {
	type row struct {
		id     uuid.UUID
		plain  string
		sealed *domain.SealedSecret
	}
	rows, err := r.db.q.Query(ctx, `SELECT id, token_secret, `+sealedTokenColumn+` FROM nodes WHERE `+where+` ORDER BY id`)
	if err != nil {
		return mapErr(err, "nodes")
	}
	list, err := collect(rows, func(s rowScanner) (row, error) {
		var n row
		return n, s.Scan(&n.id, &n.plain, &n.sealed)
	})
	if err != nil {
		return mapErr(err, "nodes")
	}
	for _, n := range list {
		oldKeyID, oldCiphertext := sealedColumns(n.sealed)
		err := r.reseal(c, n.id.String(), n.plain, n.sealed).apply(func(s *domain.SealedSecret) (bool, error) {
			tag, err := r.db.q.Exec(ctx, `
				UPDATE nodes SET token_secret = '', token_secret_key_id = $2, token_secret_ciphertext = $3
				WHERE id = $1 AND token_secret = $4
					AND token_secret_key_id IS NOT DISTINCT FROM $5 AND token_secret_ciphertext IS NOT DISTINCT FROM $6`,
				n.id, s.KeyID, s.Ciphertext, n.plain, oldKeyID, oldCiphertext)
			return tag.RowsAffected() == 1, mapErr(err, "node "+n.id.String())
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// connections rotates the environments' connection passwords.
func (r *rotation) connections(ctx context.Context, c *domain.SecretCounts) error {
	type row struct {
		env              uuid.UUID
		machine, connPos int
		sealed           domain.SealedSecret
	}
	rows, err := r.db.q.Query(ctx, `
		SELECT environment_id, machine_position, position, password_key_id, password_ciphertext
		FROM environment_connections WHERE password_key_id IS NOT NULL
		ORDER BY environment_id, machine_position, position`)
	if err != nil {
		return mapErr(err, "connection passwords")
	}
	list, err := collect(rows, func(s rowScanner) (row, error) {
		var x row
		return x, s.Scan(&x.env, &x.machine, &x.connPos, &x.sealed.KeyID, &x.sealed.Ciphertext)
	})
	if err != nil {
		return mapErr(err, "connection passwords")
	}
	for _, x := range list {
		ref := fmt.Sprintf("%s/machines[%d]/connections[%d]", x.env, x.machine, x.connPos)
		err := r.reseal(c, ref, "", &x.sealed).apply(func(s *domain.SealedSecret) (bool, error) {
			tag, err := r.db.q.Exec(ctx, `
				UPDATE environment_connections SET password_key_id = $4, password_ciphertext = $5
				WHERE environment_id = $1 AND machine_position = $2 AND position = $3
					AND password_key_id = $6 AND password_ciphertext = $7`,
				x.env, x.machine, x.connPos, s.KeyID, s.Ciphertext, x.sealed.KeyID, x.sealed.Ciphertext)
			return tag.RowsAffected() == 1, mapErr(err, "connection password "+ref)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// snapshots rotates the connection passwords of events' environment
// snapshots, one event per transaction with its row locked.
func (r *rotation) snapshots(ctx context.Context, c *domain.SecretCounts) error {
	rows, err := r.db.q.Query(ctx, `
		SELECT id FROM events
		WHERE jsonb_path_exists(environment_snapshot, '$.machines[*].connections[*].password_sealed')
		ORDER BY id`)
	if err != nil {
		return mapErr(err, "event snapshots")
	}
	ids, err := collect(rows, func(s rowScanner) (uuid.UUID, error) {
		var id uuid.UUID
		return id, s.Scan(&id)
	})
	if err != nil {
		return mapErr(err, "event snapshots")
	}
	for _, id := range ids {
		if err := r.db.inTx(ctx, func(tx *DB) error { return r.snapshot(ctx, tx, c, id) }); err != nil {
			return err
		}
	}
	return nil
}

// snapshot rotates the passwords of one event's snapshot in tx.
func (r *rotation) snapshot(ctx context.Context, tx *DB, c *domain.SecretCounts, id uuid.UUID) error {
	var raw []byte
	err := tx.q.QueryRow(ctx, `SELECT environment_snapshot FROM events WHERE id = $1 FOR UPDATE`, id).Scan(&raw)
	if err != nil {
		return mapErr(err, "event "+id.String())
	}
	var env domain.Environment
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("the environment snapshot of event %s: %w", id, err)
	}
	var pending []*int
	for i := range env.Machines {
		for j := range env.Machines[i].Connections {
			conn := &env.Machines[i].Connections[j]
			if conn.Password == nil {
				continue
			}
			ref := fmt.Sprintf("%s/machines[%d]/connections[%d]", id, i, j)
			v := r.reseal(c, ref, "", conn.Password)
			if v.sealed == nil {
				*v.counter++
				continue
			}
			conn.Password = v.sealed
			pending = append(pending, v.counter)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	if _, err := tx.q.Exec(ctx, `UPDATE events SET environment_snapshot = $2 WHERE id = $1`, id, &env); err != nil {
		return mapErr(err, "event "+id.String())
	}
	for _, counter := range pending {
		*counter++
	}
	return nil
}

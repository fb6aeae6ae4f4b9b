package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/secrets"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// keyring makes a keyring of keys named by their ids, each 32 bytes of
// its id's first letter, the first one current.
func keyring(t *testing.T, ids ...string) *secrets.Keyring {
	t.Helper()
	keys := make([]secrets.Key, len(ids))
	for i, id := range ids {
		k, err := secrets.NewKey(id, bytes.Repeat([]byte(id[:1]), secrets.KeySize))
		require.NoError(t, err)
		keys[i] = k
	}
	r, err := secrets.NewKeyring(keys[0], keys[1:]...)
	require.NoError(t, err)
	return r
}

// openStore opens the database at url with keys (none when nil).
func openStore(ctx context.Context, t *testing.T, url string, keys *secrets.Keyring) *store.DB {
	t.Helper()
	var opts []store.Option
	if keys != nil {
		opts = append(opts, store.WithKeyring(keys))
	}
	db, err := store.Open(ctx, url, 4, opts...)
	require.NoError(t, err)
	t.Cleanup(db.Close)
	return db
}

// requireNoPlainTokens fails t if a node row holds a plain token secret
// or plain appears in a ciphertext.
func requireNoPlainTokens(ctx context.Context, t *testing.T, db *store.DB, plain string) {
	t.Helper()
	rows, err := db.Pool().Query(ctx, `SELECT token_secret, token_secret_ciphertext FROM nodes`)
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var secret string
		var ciphertext []byte
		require.NoError(t, rows.Scan(&secret, &ciphertext))
		require.Empty(t, secret, "a plain token secret is stored")
		require.NotContains(t, string(ciphertext), plain)
		n++
	}
	require.NoError(t, rows.Err())
	require.NotZero(t, n)
}

// insertPlainNode stores a node as versions before sealing did.
func insertPlainNode(ctx context.Context, t *testing.T, db *store.DB, secret string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, db.Pool().QueryRow(ctx, `
		INSERT INTO nodes (name, cluster, endpoint, token_id, token_secret)
		VALUES ($1, 'lab', 'https://pve.example.org:8006', 'labforge@pve!lf', $2) RETURNING id`,
		unique("old"), secret).Scan(&id))
	return id
}

func TestNodeSecretNeedsAKeyring(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := openStore(ctx, t, storetest.NewDatabase(t), nil)
	n := &domain.Node{Name: "pve1", Cluster: "lab", Endpoint: "https://pve.example.org:8006",
		TokenID: "labforge@pve!lf", TokenSecret: "s3cret", CloneConcurrency: 2}
	err := db.CreateNode(ctx, n)
	requireField(t, err, "token_secret")
	require.Contains(t, err.(*domain.Error).Fields["token_secret"], "LABFORGE_SECRET_KEY")
	_, err = db.RotateSecrets(ctx)
	requireKind(t, err, domain.KindUnavailable, "secrets cannot be sealed: the server has no LABFORGE_SECRET_KEY")
	_, err = db.SealPlainSecrets(ctx)
	requireKind(t, err, domain.KindUnavailable, "")
}

// TestSealPlainSecretsSealsRowsOfOlderVersions: a node stored in plain
// text is read without a secret until sealed; sealing again finds nothing.
func TestSealPlainSecretsSealsRowsOfOlderVersions(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := storetest.New(t)
	old := insertPlainNode(ctx, t, db, "plain-old-secret")
	newNode(ctx, t, db, "lab")

	before, err := db.FindNode(ctx, old)
	require.NoError(t, err)
	require.Nil(t, before.SealedToken, "a plain row is never read as a secret")

	sealed, err := db.SealPlainSecrets(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, sealed)
	again, err := db.SealPlainSecrets(ctx)
	require.NoError(t, err)
	require.Zero(t, again)

	after, err := db.FindNode(ctx, old)
	require.NoError(t, err)
	plain, err := storetest.Keyring(t).Open(after.SealedToken)
	require.NoError(t, err)
	require.Equal(t, "plain-old-secret", plain)
	requireNoPlainTokens(ctx, t, db, "plain-old-secret")
}

// TestRotateSecretsMovesEveryKeyToTheCurrentOne seals a node token, a
// connection password and an event snapshot's password under key a1,
// adds a plain node and one sealed with a key no longer configured, then
// rotates with b2 current and a1 previous: everything readable is under
// b2 and opens with b2 alone, the unknown one is reported and left as it
// was, and a second rotation changes nothing.
func TestRotateSecretsMovesEveryKeyToTheCurrentOne(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	url := storetest.NewDatabase(t)
	a := keyring(t, "a1")
	dbA := openStore(ctx, t, url, a)

	owner := newUser(ctx, t, dbA, domain.RoleInstructor)
	node := newNode(ctx, t, dbA, "lab")
	env := newEnvironment(ctx, t, dbA, owner, newTemplate(ctx, t, dbA, node, 9000))
	env.Machines[0].Connections[0].Password = a.Seal("conn-pw")
	require.NoError(t, dbA.UpdateEnvironment(ctx, env))
	ev := newEvent(ctx, t, dbA, owner, env)
	_, err := dbA.SnapshotEnvironment(ctx, ev.ID)
	require.NoError(t, err)
	plainNode := insertPlainNode(ctx, t, dbA, "plain-pw")
	lost := &domain.Node{Name: unique("pve"), Cluster: "lab", Endpoint: "https://pve.example.org:8006", TokenID: "labforge@pve!lf",
		SealedToken: keyring(t, "gone").Seal("lost-pw"), CloneConcurrency: 2}
	require.NoError(t, dbA.CreateNode(ctx, lost))

	dbB := openStore(ctx, t, url, keyring(t, "b2", "a1"))
	got, err := dbB.RotateSecrets(ctx)
	require.NoError(t, err)
	require.Equal(t, "b2", got.KeyID)
	require.Equal(t, []domain.SecretCounts{
		{Table: store.SecretsNodes, Resealed: 1, Sealed: 1, Unreadable: 1},
		{Table: store.SecretsConnections, Resealed: 1},
		{Table: store.SecretsSnapshots, Resealed: 1},
	}, got.Tables)
	require.Equal(t, []domain.UnreadableSecret{{Table: store.SecretsNodes, Row: lost.ID.String(), KeyID: "gone",
		Reason: "its key is not configured"}}, got.Unreadable)

	onlyB := keyring(t, "b2")
	openB := func(s *domain.SealedSecret) string {
		t.Helper()
		require.NotNil(t, s)
		require.Equal(t, "b2", s.KeyID)
		plain, err := onlyB.Open(s)
		require.NoError(t, err)
		return plain
	}
	for id, want := range map[uuid.UUID]string{node.ID: "s3cret", plainNode: "plain-pw"} {
		n, err := dbB.FindNode(ctx, id)
		require.NoError(t, err)
		require.Equal(t, want, openB(n.SealedToken))
	}
	storedEnv, err := dbB.FindEnvironment(ctx, env.ID)
	require.NoError(t, err)
	require.Equal(t, "conn-pw", openB(storedEnv.Machines[0].Connections[0].Password))
	snap, err := dbB.EnvironmentSnapshot(ctx, ev.ID)
	require.NoError(t, err)
	require.Equal(t, "conn-pw", openB(snap.Machines[0].Connections[0].Password))
	stillLost, err := dbB.FindNode(ctx, lost.ID)
	require.NoError(t, err)
	require.Equal(t, lost.SealedToken, stillLost.SealedToken, "an unreadable secret is left as it was")
	requireNoPlainTokens(ctx, t, dbB, "plain-pw")

	again, err := dbB.RotateSecrets(ctx)
	require.NoError(t, err)
	require.Equal(t, []domain.SecretCounts{
		{Table: store.SecretsNodes, Current: 2, Unreadable: 1},
		{Table: store.SecretsConnections, Current: 1},
		{Table: store.SecretsSnapshots, Current: 1},
	}, again.Tables, "a second rotation finds everything current")
}

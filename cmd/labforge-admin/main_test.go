package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/secrets"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// setting is LABFORGE_SECRET_KEY's form of a key named id whose 32 bytes
// are id's first letter.
func setting(id string) string {
	return id + ":" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte(id[:1]), secrets.KeySize))
}

func keyringOf(t *testing.T, env ...string) *secrets.Keyring {
	t.Helper()
	cfg, err := config.LoadFrom(env)
	require.NoError(t, err)
	keys, err := cfg.RequireKeyring()
	require.NoError(t, err)
	return keys
}

// TestRotateSecretsCommand seals a node's token under a1 and stores one
// plain, then rotates with b2 current and a1 previous: the report counts
// them per table and each token now opens with b2 alone. Rotating with a
// key that opens neither exits with the unreadable error and names them.
func TestRotateSecretsCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := storetest.NewDatabase(t)
	a := keyringOf(t, "LABFORGE_SECRET_KEY="+setting("a1"))
	db, err := store.Open(ctx, url, 2, store.WithKeyring(a))
	require.NoError(t, err)
	defer db.Close()
	node := &domain.Node{Name: "pve1", Cluster: "lab", Endpoint: "https://pve1.example.org:8006", TokenID: "labforge@pve!lf",
		TokenSecret: "sealed-under-a1", CloneConcurrency: 2}
	require.NoError(t, db.CreateNode(ctx, node))
	_, err = db.Pool().Exec(ctx, `INSERT INTO nodes (name, cluster, endpoint, token_id, token_secret)
		VALUES ('pve2', 'lab', 'https://pve2.example.org:8006', 'labforge@pve!lf', 'plain-from-before')`)
	require.NoError(t, err)

	env := []string{"LABFORGE_DATABASE_URL=" + url, "LABFORGE_SECRET_KEY=" + setting("b2"), "LABFORGE_SECRET_KEYS_PREVIOUS=" + setting("a1")}
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"rotate-secrets"}, env, &out))
	require.Contains(t, out.String(), "secrets sealed with key b2")
	// The plain row is sealed as the database opens, then counts as current.
	require.Regexp(t, regexp.MustCompile(`(?m)^nodes\s+1\s+1\s+0\s+0$`), out.String())
	require.Regexp(t, regexp.MustCompile(`(?m)^environment_connections\s+0\s+0\s+0\s+0$`), out.String())
	require.NotContains(t, out.String(), "sealed-under-a1")

	b := keyringOf(t, "LABFORGE_SECRET_KEY="+setting("b2"))
	nodes, _, err := db.ListNodes(ctx, domain.Page{Limit: 10})
	require.NoError(t, err)
	got := map[string]string{}
	for _, n := range nodes {
		plain, err := b.Open(n.SealedToken)
		require.NoError(t, err, n.Name)
		got[n.Name] = plain
	}
	require.Equal(t, map[string]string{"pve1": "sealed-under-a1", "pve2": "plain-from-before"}, got)

	out.Reset()
	err = run(ctx, []string{"rotate-secrets"}, []string{"LABFORGE_DATABASE_URL=" + url, "LABFORGE_SECRET_KEY=" + setting("c3")}, &out)
	require.True(t, errors.Is(err, errUnreadable), "%v", err)
	require.Regexp(t, regexp.MustCompile(`(?m)^nodes\s+0\s+0\s+0\s+2$`), out.String())
	require.Contains(t, out.String(), "unreadable: nodes "+node.ID.String()+" (key b2): its key is not configured")
}

func TestRotateSecretsCommandNeedsAKeyAndACommand(t *testing.T) {
	ctx := t.Context()
	err := run(ctx, []string{"rotate-secrets"}, []string{"LABFORGE_DATABASE_URL=postgres://127.0.0.1:1/none"}, &bytes.Buffer{})
	require.ErrorContains(t, err, "LABFORGE_SECRET_KEY is not set")
	for _, args := range [][]string{nil, {"rotate"}, {"rotate-secrets", "now"}} {
		err := run(ctx, args, nil, &bytes.Buffer{})
		require.ErrorContains(t, err, "usage: labforge-admin", strings.Join(args, " "))
	}
}

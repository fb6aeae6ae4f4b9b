package activities

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/secrets"
)

func testRing(t *testing.T, id string) *secrets.Keyring {
	t.Helper()
	k, err := secrets.NewKey(id, bytes.Repeat([]byte(id[:1]), secrets.KeySize))
	require.NoError(t, err)
	r, err := secrets.NewKeyring(k)
	require.NoError(t, err)
	return r
}

// TestNodeClientsOpenTheSealedTokenOnly: a client is built from the
// node's sealed token secret; a node without one, or whose key is not
// configured, is KindInvalid naming the node and never the secret.
func TestNodeClientsOpenTheSealedTokenOnly(t *testing.T) {
	const secret = "pve-token-secret-0815"
	keys := testRing(t, "k1")
	node := func(sealed *domain.SealedSecret) *domain.Node {
		return &domain.Node{ID: uuid.New(), Name: "pve1", Cluster: "lab", Endpoint: "https://127.0.0.1:8006",
			TokenID: "labforge@pve!lf", SealedToken: sealed, TLSInsecure: true}
	}
	nc := &NodeClients{Keys: keys}
	c, err := nc.ForNode(node(keys.Seal(secret)))
	require.NoError(t, err)
	require.NotNil(t, c)

	for name, tc := range map[string]struct {
		nc   *NodeClients
		node *domain.Node
		want string
	}{
		"plain row":      {nc, node(nil), "has no sealed token secret"},
		"no keyring":     {&NodeClients{}, node(keys.Seal(secret)), "cannot be opened without LABFORGE_SECRET_KEY"},
		"unknown key id": {nc, node(testRing(t, "x9").Seal(secret)), "cannot be opened with the configured keys"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.nc.ForNode(tc.node)
			require.True(t, domain.IsKind(err, domain.KindInvalid), "%v", err)
			require.ErrorContains(t, err, "node pve1")
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), secret)
		})
	}
}

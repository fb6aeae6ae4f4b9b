package auth_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/auth"
)

func TestAPIKeyRoundTrip(t *testing.T) {
	key, prefix, hash := auth.NewAPIKey()
	require.True(t, strings.HasPrefix(key, "lf_"+prefix+"_"))
	p, secret, ok := auth.ParseAPIKey(key)
	require.True(t, ok)
	require.Equal(t, prefix, p)
	require.True(t, auth.CheckAPISecret(secret, hash))
	require.False(t, auth.CheckAPISecret(strings.Repeat("0", len(secret)), hash))
	require.NotContains(t, string(hash), secret, "only the hash is stored")

	other, otherPrefix, _ := auth.NewAPIKey()
	require.NotEqual(t, key, other)
	require.NotEqual(t, prefix, otherPrefix)

	for _, bad := range []string{"", "lf_", "lf_abc", "eyJhbGciOi.x.y", "lf_" + prefix, "lf_" + prefix + "_short",
		"lf_" + prefix[:11] + "A_" + secret, "lf_" + prefix[:11] + "g_" + secret, "lf_" + prefix + "_" + secret + "0", "xx_" + prefix + "_" + secret} {
		_, _, ok := auth.ParseAPIKey(bad)
		require.False(t, ok, "%q is not an API key", bad)
	}
}

package devstack

import (
	"testing"

	"github.com/labforge/labforge/internal/secrets"
)

// TestDevSecretKeyIsGeneratedOnceAndParses: the dev stack's
// LABFORGE_SECRET_KEY is a valid key and survives a restart.
func TestDevSecretKeyIsGeneratedOnceAndParses(t *testing.T) {
	dir := t.TempDir()
	first, err := persistentSecret(dir, "secret-key", newSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.ParseKey(first); err != nil {
		t.Fatalf("generated key %q: %v", first[:5], err)
	}
	again, err := persistentSecret(dir, "secret-key", newSecretKey)
	if err != nil || again != first {
		t.Fatal("a restarted dev stack must keep its key")
	}
	if !hasVariable([]string{"A=1", "LABFORGE_SECRET_KEY=x"}, "LABFORGE_SECRET_KEY") || hasVariable([]string{"LABFORGE_SECRET_KEYS_PREVIOUS=x"}, "LABFORGE_SECRET_KEY") {
		t.Fatal("hasVariable matches whole names")
	}
}

package config_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/labforge/labforge/internal/config"
)

func TestKeyringFromSecretKeys(t *testing.T) {
	k1 := "k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 32)))
	k0 := "k0:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("b", 32)))
	c, err := config.LoadFrom(nil)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := c.Keyring(); r != nil || err != nil {
		t.Fatalf("no key: keyring %v, %v", r, err)
	}
	c, err = config.LoadFrom([]string{"LABFORGE_SECRET_KEY=" + k1, "LABFORGE_SECRET_KEYS_PREVIOUS=" + k0})
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Keyring()
	if err != nil || r.CurrentKeyID() != "k1" {
		t.Fatalf("keyring %v, %v", r, err)
	}
	_, err = config.LoadFrom([]string{"LABFORGE_SECRET_KEY=k1:c2hvcnQ="})
	if err == nil || !strings.Contains(err.Error(), "LABFORGE_SECRET_KEY") || strings.Contains(err.Error(), "c2hvcnQ") {
		t.Fatalf("a short key: %v", err)
	}
	_, err = config.LoadFrom([]string{"LABFORGE_EVENT_LEAD_TIME=-1m"})
	if err == nil || !strings.Contains(err.Error(), "LABFORGE_EVENT_LEAD_TIME") {
		t.Fatalf("a negative lead time: %v", err)
	}
	def := config.Default()
	d := def.EventDefaults()
	if d.LeadTime.String() != "30m0s" || d.TransitionPeriod.String() != "72h0m0s" {
		t.Fatalf("defaults %+v", d)
	}
}

// TestRequireKeyring: a process that uses the database needs
// LABFORGE_SECRET_KEY; its absence is one sentence naming the variable.
func TestRequireKeyring(t *testing.T) {
	c, err := config.LoadFrom(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RequireKeyring(); err == nil || !strings.Contains(err.Error(), "LABFORGE_SECRET_KEY is not set") {
		t.Fatalf("no key: %v", err)
	}
	k1 := "k1:" + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 32)))
	c, err = config.LoadFrom([]string{"LABFORGE_SECRET_KEY=" + k1})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := c.RequireKeyring(); err != nil || r.CurrentKeyID() != "k1" {
		t.Fatalf("keyring %v, %v", r, err)
	}
	_, err = config.LoadFrom([]string{"LABFORGE_SECRET_KEYS_PREVIOUS=" + k1})
	if err == nil || !strings.Contains(err.Error(), "LABFORGE_SECRET_KEYS_PREVIOUS is set without LABFORGE_SECRET_KEY") {
		t.Fatalf("a previous key alone: %v", err)
	}
}

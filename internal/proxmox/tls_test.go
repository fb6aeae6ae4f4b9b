package proxmox_test

import (
	"bytes"
	"encoding/pem"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
)

func TestTLSVerification(t *testing.T) {
	s := newSim(t, nil)
	certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))
	caFile := filepath.Join(t.TempDir(), "pve-root-ca.pem")
	if err := os.WriteFile(caFile, []byte(certPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	pin := s.Fingerprint()
	wrongPin := strings.Repeat("AB:", 31) + "AB"

	works := map[string]func(*proxmox.NodeEndpoint){
		"pinned fingerprint with colons":     func(e *proxmox.NodeEndpoint) { e.Fingerprint = pin },
		"pinned fingerprint, plain hex":      func(e *proxmox.NodeEndpoint) { e.Fingerprint = strings.ToLower(strings.ReplaceAll(pin, ":", "")) },
		"CA PEM":                             func(e *proxmox.NodeEndpoint) { e.Fingerprint, e.CAPEM = "", certPEM },
		"CA file":                            func(e *proxmox.NodeEndpoint) { e.Fingerprint, e.CAFile = "", caFile },
		"CA file and pinned fingerprint":     func(e *proxmox.NodeEndpoint) { e.CAFile = caFile },
		"insecure, explicitly (dev only)":    func(e *proxmox.NodeEndpoint) { e.Fingerprint, e.Insecure = "", true },
		"URL with /api2/json and trailing /": func(e *proxmox.NodeEndpoint) { e.URL += "/api2/json/" },
	}
	for name, mutate := range works {
		t.Run(name, func(t *testing.T) {
			ep := endpoint(s, "pve1")
			mutate(&ep)
			var logs bytes.Buffer
			c, err := proxmox.New(ep, proxmox.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := c.Version(testCtx(t, 5*time.Second)); err != nil {
				t.Fatalf("Version: %v", err)
			}
			if ep.Insecure != strings.Contains(logs.String(), "verification is disabled") {
				t.Errorf("insecure warning logged = %v, want %v", !ep.Insecure, ep.Insecure)
			}
		})
	}

	t.Run("wrong fingerprint", func(t *testing.T) {
		ep := endpoint(s, "pve1")
		ep.Fingerprint = wrongPin
		c, err := proxmox.New(ep, proxmox.Options{})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		_, err = c.Version(testCtx(t, 5*time.Second))
		e := wantKind(t, err, proxmox.Unauthorized)
		var fe *proxmox.FingerprintError
		if !errors.As(err, &fe) || fe.Got != pin || fe.Want != wrongPin || e.Retryable() {
			t.Errorf("error = %v (fingerprint error %+v)", err, fe)
		}
		if !strings.Contains(err.Error(), "does not match the pinned") {
			t.Errorf("message %q does not say why", err)
		}
		if c.BreakerState() != proxmox.BreakerClosed {
			t.Errorf("a certificate mismatch moved the breaker to %s", c.BreakerState())
		}
	})

	t.Run("CA that did not sign the certificate", func(t *testing.T) {
		other := newSim(t, nil)
		ep := endpoint(s, "pve1")
		ep.Fingerprint = ""
		ep.CAPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: other.Certificate().Raw}))
		c, err := proxmox.New(ep, proxmox.Options{})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		_, err = c.Version(testCtx(t, 5*time.Second))
		wantKind(t, err, proxmox.Unauthorized)
	})

	refused := map[string]func(*proxmox.NodeEndpoint){
		"no verification settings":  func(e *proxmox.NodeEndpoint) { e.Fingerprint = "" },
		"insecure with fingerprint": func(e *proxmox.NodeEndpoint) { e.Insecure = true },
		"malformed fingerprint":     func(e *proxmox.NodeEndpoint) { e.Fingerprint = "AB:CD" },
		"CA file missing":           func(e *proxmox.NodeEndpoint) { e.Fingerprint, e.CAFile = "", filepath.Join(t.TempDir(), "nope.pem") },
		"CA PEM without certs":      func(e *proxmox.NodeEndpoint) { e.Fingerprint, e.CAPEM = "", "hello" },
		"plain http":                func(e *proxmox.NodeEndpoint) { e.URL = strings.Replace(e.URL, "https:", "http:", 1) },
		"no token":                  func(e *proxmox.NodeEndpoint) { e.TokenSecret = "" },
		"bad node name":             func(e *proxmox.NodeEndpoint) { e.Name = "pve1/x" },
	}
	for name, mutate := range refused {
		t.Run("refuses "+name, func(t *testing.T) {
			ep := endpoint(s, "pve1")
			mutate(&ep)
			_, err := proxmox.New(ep, proxmox.Options{})
			wantKind(t, err, proxmox.Invalid)
		})
	}
}

func TestEndpointLogValueRedactsSecret(t *testing.T) {
	ep := proxmox.NodeEndpoint{Name: "pve1", URL: "https://pve1:8006", TokenID: "root@pam!labforge", TokenSecret: "s3cret"}
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("endpoint", "ep", ep)
	if strings.Contains(b.String(), "s3cret") || !strings.Contains(b.String(), "root@pam!labforge") {
		t.Errorf("log line %q", b.String())
	}
}

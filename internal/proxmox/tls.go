package proxmox

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// FingerprintError is a server certificate whose SHA-256 fingerprint is not
// the pinned one.
type FingerprintError struct {
	Got, Want string // AA:BB:... form
}

func (e *FingerprintError) Error() string {
	return fmt.Sprintf("server certificate SHA-256 fingerprint %s does not match the pinned %s", e.Got, e.Want)
}

// ParseFingerprint decodes a SHA-256 certificate fingerprint written with or
// without colons (as Proxmox shows it, "AA:BB:...", or as plain hex).
func ParseFingerprint(s string) ([]byte, error) {
	h := strings.NewReplacer(":", "", " ", "").Replace(strings.TrimSpace(s))
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("fingerprint %q is not a SHA-256 fingerprint (32 hex bytes, colons optional)", s)
	}
	return b, nil
}

// FormatFingerprint renders a fingerprint the way Proxmox shows it.
func FormatFingerprint(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02X", x)
	}
	return strings.Join(parts, ":")
}

// tlsConfig builds the TLS settings of an endpoint. Verification is by CA
// (CAFile or CAPEM), by pinned leaf fingerprint, or both; a pinned
// fingerprint alone ignores the chain and the host name, because Proxmox's
// self-signed node certificates carry neither a trusted chain nor, often,
// the name used to reach them. Skipping verification requires Insecure and
// is logged as a warning.
func tlsConfig(ep NodeEndpoint, log *slog.Logger) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	hasCA := ep.CAFile != "" || ep.CAPEM != ""
	hasPin := ep.Fingerprint != ""
	if ep.Insecure && (hasCA || hasPin) {
		return nil, errors.New("Insecure cannot be combined with CAFile, CAPEM or Fingerprint")
	}
	if !hasCA && !hasPin && !ep.Insecure {
		return nil, errors.New("no TLS verification configured: set CAFile, CAPEM or Fingerprint (or Insecure, for development only)")
	}
	if ep.Insecure {
		log.Warn("proxmox TLS certificate verification is disabled", "url", ep.URL)
		cfg.InsecureSkipVerify = true
		return cfg, nil
	}
	if hasCA {
		pool, err := caPool(ep)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if hasPin {
		want, err := ParseFingerprint(ep.Fingerprint)
		if err != nil {
			return nil, err
		}
		if !hasCA {
			// The pin replaces chain and name verification; VerifyConnection
			// still runs and enforces it.
			cfg.InsecureSkipVerify = true
		}
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("server sent no certificate")
			}
			got := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if subtle.ConstantTimeCompare(got[:], want) != 1 {
				return &FingerprintError{Got: FormatFingerprint(got[:]), Want: FormatFingerprint(want)}
			}
			return nil
		}
	}
	return cfg, nil
}

// caPool reads the endpoint's CA certificates.
func caPool(ep NodeEndpoint) (*x509.CertPool, error) {
	pemData := []byte(ep.CAPEM)
	if ep.CAFile != "" {
		b, err := os.ReadFile(ep.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pemData = append(append(pemData, '\n'), b...)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(bytes.TrimSpace(pemData)) {
		return nil, errors.New("CA file/PEM holds no PEM certificate")
	}
	return pool, nil
}

// isTLSVerificationError reports certificate problems, which are
// configuration errors rather than signs of an unhealthy node.
func isTLSVerificationError(err error) bool {
	var (
		pin      *FingerprintError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &pin) || errors.As(err, &verify) || errors.As(err, &unknown) ||
		errors.As(err, &hostname) || errors.As(err, &invalid)
}

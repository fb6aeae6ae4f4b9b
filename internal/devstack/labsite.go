package devstack

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
)

// The dev stack's site "lab": a network on loopback, so that the
// simulator's containers get addresses the gateway's NGINX on this machine
// can reach (Config.GuestPorts makes them answer there).
const (
	labSiteName       = "lab"
	labCIDR           = "127.77.0.0/24"
	labGateway        = "127.77.0.1"
	labDHCPStart      = "127.77.0.10"
	labDHCPEnd        = "127.77.0.250"
	labInternalDomain = "lab.internal"
	labExternalIP     = "127.0.0.1"
	labExternalDomain = "apps.localhost"
	// The external port pool for TCP and UDP services: unprivileged, and
	// below the kernel's ephemeral range so that they stay free.
	labPortFirst = 20000
	labPortLast  = 20999
	// labBridge is the simulator's bridge on the lab network; the nodes
	// put containers on it.
	labBridge = "vmbr1"
	// labCTTemplate is the CT template volume the simulator's nodes hold.
	labCTTemplate = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
)

// labSite is what ensureLabSite made sure of.
type labSite struct {
	Site   *domain.Site
	Domain *domain.ExternalDomain
}

// ensureLabSite creates the site "lab" and its external domain, or brings
// them back to the dev stack's settings; registerSimNodes attaches the
// simulator's nodes to it. The domain's certificate and key are certFile
// and keyFile (ensureLabCertificate).
func ensureLabSite(ctx context.Context, db *store.DB, certFile, keyFile string) (labSite, error) {
	want := domain.Site{
		Name: labSiteName, CIDR: netip.MustParsePrefix(labCIDR), Gateway: netip.MustParseAddr(labGateway),
		DHCPStart: netip.MustParseAddr(labDHCPStart), DHCPEnd: netip.MustParseAddr(labDHCPEnd),
		InternalDomain: labInternalDomain, DNSForwarders: []netip.Addr{}, ExternalIP: netip.MustParseAddr(labExternalIP),
		ExternalPortFirst: labPortFirst, ExternalPortLast: labPortLast,
	}
	site, err := db.FindSiteByName(ctx, labSiteName)
	switch {
	case err == nil:
		want.ID = site.ID
		err = db.UpdateSite(ctx, &want)
	case domain.IsKind(err, domain.KindNotFound):
		err = db.CreateSite(ctx, &want)
	}
	if err != nil {
		return labSite{}, fmt.Errorf("create the dev site %s: %w", labSiteName, err)
	}
	site, err = db.FindSite(ctx, want.ID)
	if err != nil {
		return labSite{}, err
	}
	d, err := ensureLabDomain(ctx, db, site.ID, certFile, keyFile)
	if err != nil {
		return labSite{}, err
	}
	return labSite{Site: site, Domain: d}, nil
}

// ensureLabDomain creates the lab's external domain, or points it at the
// certificate files of this data directory.
func ensureLabDomain(ctx context.Context, db *store.DB, siteID uuid.UUID, certFile, keyFile string) (*domain.ExternalDomain, error) {
	d := &domain.ExternalDomain{Name: labExternalDomain, CertPath: certFile, KeyPath: keyFile, SiteID: siteID}
	f := domain.ExternalDomainFilter{Page: domain.Page{Limit: domain.MaxPageLimit}}
	for range 100 {
		ds, next, err := db.ListExternalDomains(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, existing := range ds {
			if existing.Name != labExternalDomain {
				continue
			}
			d.ID = existing.ID
			if err := db.UpdateExternalDomain(ctx, d); err != nil {
				return nil, fmt.Errorf("update the dev domain %s: %w", labExternalDomain, err)
			}
			return d, nil
		}
		if next == "" {
			break
		}
		f.Page.Cursor = next
	}
	if err := db.CreateExternalDomain(ctx, d); err != nil {
		return nil, fmt.Errorf("create the dev domain %s (its certificate must be at a path without spaces or quotes): %w", labExternalDomain, err)
	}
	return d, nil
}

// ensureLabCertificate makes a self-signed certificate for the lab's
// external domain and its subdomains in dir, unless a valid one for at
// least another week is there, and returns the certificate and key files.
func ensureLabCertificate(dir string) (certFile, keyFile string, err error) {
	certFile = filepath.Join(dir, labExternalDomain+".crt")
	keyFile = filepath.Join(dir, labExternalDomain+".key")
	if c, err := tls.LoadX509KeyPair(certFile, keyFile); err == nil && c.Leaf != nil && time.Until(c.Leaf.NotAfter) > 7*24*time.Hour {
		return certFile, keyFile, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return "", "", err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: labExternalDomain, Organization: []string{"Labforge dev stack"}},
		DNSNames:     []string{labExternalDomain, "*." + labExternalDomain},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

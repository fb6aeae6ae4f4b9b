package devstack

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// PVESimPortVariable names the port setting of the dev stack's Proxmox simulator.
const PVESimPortVariable = "LABFORGE_DEV_PVE_PORT"

// ProxmoxSim is the dev stack's simulated Proxmox VE cluster.
type ProxmoxSim struct {
	server *pvesim.Server
	caFile string
}

// SimNetwork is how the simulator's lab bridge (vmbr1, on the lab site's
// loopback network) behaves: its DHCP server reads DHCPHostsFile, the
// gateway's reservations, whenever a guest starts; containers answer HTTP
// on GuestPorts of their address while they run.
type SimNetwork struct {
	DHCPHostsFile string
	GuestPorts    []int
}

// StartProxmoxSim serves the default simulated cluster (nodes pve1 and pve2
// in cluster "lab", QEMU templates 9000-9002 and LXC templates, bridge
// vmbr0 for VMs) plus the lab bridge vmbr1 that net describes, on
// 127.0.0.1:port with durations multiplied by scale. Its nodes refresh the
// status data cluster/resources reports every refresh (unscaled; 0: no lag). Its TLS certificate is
// kept in dataDir, so its fingerprint stays the same across restarts; its
// guests live in memory and start afresh each time.
func StartProxmoxSim(ctx context.Context, dataDir string, port int, scale float64, refresh time.Duration, net SimNetwork, logger *slog.Logger) (*ProxmoxSim, error) {
	if err := checkPortFree("127.0.0.1", port, "Proxmox simulator", PVESimPortVariable); err != nil {
		return nil, err
	}
	cert, caFile, err := persistentCertificate(dataDir)
	if err != nil {
		return nil, err
	}
	if refresh == 0 {
		refresh = pvesim.InstantStatus
	}
	srv, err := pvesim.NewServer(pvesim.Config{Seed: simSeed(net), TimeScale: scale, StatusRefresh: refresh, Certificate: &cert,
		GuestPorts: net.GuestPorts, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("the Proxmox simulator: %w", err)
	}
	if err := srv.Start(ctx, "127.0.0.1:"+strconv.Itoa(port)); err != nil {
		return nil, fmt.Errorf("start the Proxmox simulator on port %d (%s): %w", port, PVESimPortVariable, err)
	}
	return &ProxmoxSim{server: srv, caFile: caFile}, nil
}

// simSeed is the default seed with the lab bridge and, on every node's
// local storage, the CT template the lab's containers are made from.
func simSeed(net SimNetwork) *pvesim.Seed {
	seed := pvesim.DefaultSeed()
	seed.Bridges = append(seed.Bridges, pvesim.SeedBridge{Name: labBridge, CIDR: labCIDR, Gateway: labGateway,
		PoolStart: labDHCPStart, PoolEnd: labDHCPEnd, DHCPHostsFile: net.DHCPHostsFile})
	storage, file, _ := strings.Cut(labCTTemplate, ":vztmpl/")
	if !slices.ContainsFunc(seed.CTTemplates, func(t pvesim.SeedCTTemplate) bool { return t.Storage == storage && t.File == file }) {
		seed.CTTemplates = append(seed.CTTemplates, pvesim.SeedCTTemplate{Storage: storage, File: file, Size: 126 << 20})
	}
	return seed
}

// guestPorts are the ports the lab's simulated containers answer HTTP on:
// 8080, and 80 when this process may listen there.
func guestPorts() []int {
	start := 1024
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start"); err == nil {
		_, _ = fmt.Sscan(string(b), &start)
	}
	if os.Geteuid() == 0 || start <= 80 {
		return []int{80, 8080}
	}
	return []int{8080}
}

// URL is the simulator's base URL, such as https://127.0.0.1:8006.
func (p *ProxmoxSim) URL() string { return p.server.URL() }

// TokenHeader is the Authorization header value its API accepts.
func (p *ProxmoxSim) TokenHeader() string {
	_, _, header := p.server.Token()
	return header
}

// Fingerprint is the SHA-256 fingerprint of its certificate.
func (p *ProxmoxSim) Fingerprint() string { return p.server.Fingerprint() }

// CAFile is the path of its certificate in PEM, usable as a CA file.
func (p *ProxmoxSim) CAFile() string { return p.caFile }

// Stop closes the simulator.
func (p *ProxmoxSim) Stop() { p.server.Close() }

// persistentCertificate loads the simulator's certificate from dataDir or
// creates it there on first use.
func persistentCertificate(dataDir string) (tls.Certificate, string, error) {
	certFile := filepath.Join(dataDir, "pvesim-cert.pem")
	keyFile := filepath.Join(dataDir, "pvesim-key.pem")
	cert, err := pvesim.LoadCertificate(certFile, keyFile)
	if err == nil {
		return cert, certFile, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return tls.Certificate{}, "", fmt.Errorf("read the Proxmox simulator's certificate (delete %s and %s to make new ones): %w", certFile, keyFile, err)
	}
	cert, err = pvesim.SelfSignedCertificate()
	if err != nil {
		return tls.Certificate{}, "", err
	}
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		return tls.Certificate{}, "", err
	}
	if err := pvesim.WriteCertificatePEM(certFile, cert.Leaf); err != nil {
		return tls.Certificate{}, "", err
	}
	return cert, certFile, nil
}

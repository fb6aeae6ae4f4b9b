package proxmox

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// NodeEndpoint is how Labforge reaches one Proxmox node's API.
type NodeEndpoint struct {
	// Name is the Proxmox node name (pve1); it keys the ClientSet and names
	// the node's breaker.
	Name string
	// Cluster is the Proxmox cluster the node belongs to, for logs.
	Cluster string
	// URL is the node's API address, e.g. https://pve1.lab.example:8006;
	// the /api2/json suffix is optional. Only https is accepted.
	URL string
	// TokenID (user@realm!name) and TokenSecret authenticate requests.
	TokenID     string
	TokenSecret string
	// CAFile and CAPEM hold CA certificates that verify the node's chain.
	CAFile string
	CAPEM  string
	// Fingerprint pins the SHA-256 fingerprint of the node's certificate
	// (AA:BB:... or plain hex). Alone, it replaces chain verification.
	Fingerprint string
	// Insecure disables certificate verification; it is refused together
	// with CAFile, CAPEM or Fingerprint and logged as a warning.
	Insecure bool
}

// LogValue keeps the token secret and CA material out of logs.
func (e NodeEndpoint) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("name", e.Name), slog.String("cluster", e.Cluster), slog.String("url", e.URL),
		slog.String("token_id", e.TokenID), slog.Bool("token_secret_set", e.TokenSecret != ""),
		slog.String("ca_file", e.CAFile), slog.Bool("ca_pem_set", e.CAPEM != ""),
		slog.String("fingerprint", e.Fingerprint), slog.Bool("insecure", e.Insecure),
	)
}

// nodeNamePattern is Proxmox's pve-node format (a host name label).
var nodeNamePattern = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?$`)

// apiBase validates the endpoint and returns the API base URL go-proxmox
// expects (https://host:port/api2/json).
func (e NodeEndpoint) apiBase() (string, error) {
	var errs []error
	if !nodeNamePattern.MatchString(e.Name) {
		errs = append(errs, fmt.Errorf("node name %q is not a valid Proxmox node name", e.Name))
	}
	if e.TokenID == "" || e.TokenSecret == "" || !strings.Contains(e.TokenID, "!") {
		errs = append(errs, errors.New("TokenID (user@realm!name) and TokenSecret are required"))
	}
	u, err := url.Parse(e.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		errs = append(errs, fmt.Errorf("URL %q must be an https:// URL", e.URL))
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	path := strings.TrimRight(u.Path, "/")
	if path == "" {
		path = "/api2/json"
	}
	if path != "/api2/json" {
		return "", fmt.Errorf("URL %q: path must be empty or /api2/json", e.URL)
	}
	return u.Scheme + "://" + u.Host + path, nil
}

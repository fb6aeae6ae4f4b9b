package devstack

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/server_options"
)

// Defaults of the dev stack's Temporal Web UI.
const (
	DefaultUIIP   = "127.0.0.1"
	DefaultUIPort = 8233
)

// UIPortVariable is the setting a user changes when the UI port is taken.
const UIPortVariable = "LABFORGE_DEV_TEMPORAL_UI_PORT"

// uiStartTimeout bounds the wait for the UI to accept connections.
const uiStartTimeout = 10 * time.Second

// UIOptions configures the embedded Temporal Web UI.
type UIOptions struct {
	// IP is the listen address; empty means 127.0.0.1.
	IP string
	// Port is the HTTP port; 0 means 8233.
	Port int
	// TemporalAddress is the frontend's gRPC host:port the UI talks to.
	TemporalAddress string
	// Namespace is the one the UI opens first; empty means "default".
	Namespace string
}

// UI is a running Temporal Web UI server.
type UI struct {
	server   *uiserver.Server
	url      string
	stopOnce sync.Once
}

// StartUI serves the Temporal Web UI over plain HTTP and returns once it
// accepts connections. It fails with one sentence if the port is taken. The
// UI never reaches the internet: news and version checks are off.
func StartUI(ctx context.Context, opts UIOptions) (*UI, error) {
	if opts.TemporalAddress == "" {
		return nil, fmt.Errorf("devstack: UIOptions.TemporalAddress is required")
	}
	if opts.IP == "" {
		opts.IP = DefaultUIIP
	}
	if opts.Port == 0 {
		opts.Port = DefaultUIPort
	}
	if opts.Namespace == "" {
		opts.Namespace = DefaultNamespace
	}
	// The UI server calls log.Fatal when it cannot listen, so look first.
	if err := checkPortFree(opts.IP, opts.Port, "Temporal Web UI", UIPortVariable); err != nil {
		return nil, err
	}
	host := clientHost(opts.IP)
	cfg := &uiconfig.Config{
		TemporalGRPCAddress: opts.TemporalAddress,
		Host:                opts.IP,
		Port:                opts.Port,
		EnableUI:            true,
		DefaultNamespace:    opts.Namespace,
		CORS: uiconfig.CORS{
			AllowOrigins: []string{
				"http://" + hostPort(host, opts.Port),
				"http://" + hostPort("localhost", opts.Port),
			},
			// The CSRF cookie must reach the UI over plain http.
			CookieInsecure: true,
		},
		DisableNewsFetch:   true,
		NotifyOnNewVersion: false,
		HideLogs:           true,
	}
	u := &UI{
		server: uiserver.NewServer(server_options.WithConfigProvider(cfg)),
		url:    "http://" + hostPort(host, opts.Port),
	}
	go func() { _ = u.server.Start() }()
	if err := waitListening(ctx, hostPort(host, opts.Port), uiStartTimeout); err != nil {
		u.Stop()
		return nil, fmt.Errorf("the Temporal Web UI did not start on %s: %w", hostPort(opts.IP, opts.Port), err)
	}
	return u, nil
}

// URL is the UI's base URL, such as http://127.0.0.1:8233.
func (u *UI) URL() string { return u.url }

// Stop closes the UI's listener and its open connections; later calls do
// nothing.
func (u *UI) Stop() { u.stopOnce.Do(u.server.Stop) }

// waitListening waits until addr accepts TCP connections, within ctx and
// limit.
func waitListening(ctx context.Context, addr string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

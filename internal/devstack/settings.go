package devstack

import (
	"fmt"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/labforge/labforge/internal/config"
)

// Settings are the dev stack's own LABFORGE_DEV_* variables.
type Settings struct {
	DataDir      string `env:"DEV_DATA_DIR" envDefault:".data"`
	PostgresPort int    `env:"DEV_POSTGRES_PORT" envDefault:"55432"`
	MongoPort    int    `env:"DEV_MONGO_PORT" envDefault:"27017"`
	TemporalPort int    `env:"DEV_TEMPORAL_PORT" envDefault:"7233"`
	UIPort       int    `env:"DEV_TEMPORAL_UI_PORT" envDefault:"8233"`
	// PVEPort and PVETimeScale configure the simulated Proxmox VE cluster.
	PVEPort      int     `env:"DEV_PVE_PORT" envDefault:"8006"`
	PVETimeScale float64 `env:"DEV_PVE_TIME_SCALE" envDefault:"0.1"`
	// PVEStatusRefresh is how often (unscaled) the simulated nodes refresh
	// the status data cluster/resources reports, as pvestatd does; 0 shows
	// every change at once.
	PVEStatusRefresh time.Duration `env:"DEV_PVE_STATUS_REFRESH" envDefault:"10s"`
	// The lab site's gateway (NGINX and dnsmasq, when installed) listens
	// on 127.0.0.1 on these ports: HTTP, HTTPS and DNS.
	GatewayHTTPPort  int `env:"DEV_GATEWAY_HTTP_PORT" envDefault:"8880"`
	GatewayHTTPSPort int `env:"DEV_GATEWAY_HTTPS_PORT" envDefault:"8443"`
	GatewayDNSPort   int `env:"DEV_GATEWAY_DNS_PORT" envDefault:"8853"`
	// GatewayRenderOnly renders the gateway's files without running nginx
	// and dnsmasq even when they are installed.
	GatewayRenderOnly bool `env:"DEV_GATEWAY_RENDER_ONLY" envDefault:"false"`
	// SMTPPort is where the SMTP sink the platform's e-mail goes to listens
	// on 127.0.0.1 (0: any free port).
	SMTPPort int `env:"DEV_SMTP_PORT" envDefault:"2525"`
	// GuacamolePort and MoodlePort are where the Guacamole and Moodle
	// simulators listen on 127.0.0.1, unless LABFORGE_GUACAMOLE_URL or
	// LABFORGE_MOODLE_URL points the platform at a real service.
	GuacamolePort int `env:"DEV_GUACAMOLE_PORT" envDefault:"8088"`
	MoodlePort    int `env:"DEV_MOODLE_PORT" envDefault:"8089"`
	// PostgresBinDir, when set, is the only place initdb and postgres are
	// looked for; otherwise PATH, then the newest /usr/lib/postgresql/*/bin.
	PostgresBinDir string `env:"DEV_POSTGRES_BIN_DIR"`
}

// LoadSettings reads the dev stack's variables from the environment.
func LoadSettings(environ []string) (Settings, error) {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	var s Settings
	if err := env.ParseWithOptions(&s, env.Options{Prefix: config.Prefix, Environment: vars}); err != nil {
		return s, fmt.Errorf("dev stack settings: %w", err)
	}
	for name, p := range map[string]int{
		"LABFORGE_DEV_POSTGRES_PORT": s.PostgresPort, "LABFORGE_DEV_MONGO_PORT": s.MongoPort,
		TemporalPortVariable: s.TemporalPort, UIPortVariable: s.UIPort, PVESimPortVariable: s.PVEPort,
		GatewayHTTPPortVariable: s.GatewayHTTPPort, GatewayHTTPSPortVariable: s.GatewayHTTPSPort, GatewayDNSPortVariable: s.GatewayDNSPort,
		SMTPPortVariable: s.SMTPPort, GuacamolePortVariable: s.GuacamolePort, MoodlePortVariable: s.MoodlePort,
	} {
		if p < 1 || p > 65535 {
			return s, fmt.Errorf("%s is %d; use a port between 1 and 65535", name, p)
		}
	}
	if s.PVEStatusRefresh < 0 {
		return s, fmt.Errorf("LABFORGE_DEV_PVE_STATUS_REFRESH is %s; use 0 (no lag) or a positive duration such as 10s", s.PVEStatusRefresh)
	}
	if s.PVETimeScale <= 0 || s.PVETimeScale > 100 {
		return s, fmt.Errorf("LABFORGE_DEV_PVE_TIME_SCALE is %g; use a factor above 0 and at most 100 (0.1 makes a 60 s clone take 6 s)", s.PVETimeScale)
	}
	if s.DataDir == "" {
		return s, fmt.Errorf("LABFORGE_DEV_DATA_DIR must not be empty")
	}
	return s, nil
}

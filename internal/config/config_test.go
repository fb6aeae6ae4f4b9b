package config_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/config"
)

func TestDefaults(t *testing.T) {
	c, err := config.LoadFrom(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.TemporalNamespace != "default" || c.JWTTTL != 15*time.Minute {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if len(c.WorkerQueues) != 4 {
		t.Fatalf("want the four standard queues, got %v", c.WorkerQueues)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	cases := map[string]string{
		"LABFORGE_JWT_TTL=soon":                  "LABFORGE_JWT_TTL",
		"LABFORGE_PUBLIC_URL=labforge.example":   "LABFORGE_PUBLIC_URL",
		"LABFORGE_TEMPORAL_UI_URL=ui:8233":       "LABFORGE_TEMPORAL_UI_URL",
		"LABFORGE_TRUSTED_PROXIES=10.0.0.1,lb":   "LABFORGE_TRUSTED_PROXIES",
		"LABFORGE_DATABASE_MAX_CONNS=many":       "LABFORGE_DATABASE_MAX_CONNS",
		"LABFORGE_LOG_LEVEL=loud":                "LABFORGE_LOG_LEVEL",
		"LABFORGE_DATABASE_URL=mysql://x/y":      "LABFORGE_DATABASE_URL",
		"LABFORGE_TEMPORAL_ADDRESS=no-port":      "LABFORGE_TEMPORAL_ADDRESS",
		"LABFORGE_TEMPORAL_START_CONCURRENCY=-1": "LABFORGE_TEMPORAL_START_CONCURRENCY",
		"LABFORGE_JWT_SECRET=short":              "LABFORGE_JWT_SECRET",
		"LABFORGE_WORKER_QUEUES=core,pve clone":  "LABFORGE_WORKER_QUEUES",
		"LABFORGE_AUDIT_RETENTION=1m":            "LABFORGE_AUDIT_RETENTION",
		"LABFORGE_MONGO_URI=http://mongo:27017":  "LABFORGE_MONGO_URI",
		"LABFORGE_VMID_RANGE=200-100":            "LABFORGE_VMID_RANGE",
		"LABFORGE_VMID_RANGE=lots":               "LABFORGE_VMID_RANGE",
		"LABFORGE_SYNC_INTERVAL=1s":              "LABFORGE_SYNC_INTERVAL",
		"LABFORGE_CLONE_CAP_PER_STORAGE=0":       "LABFORGE_CLONE_CAP_PER_STORAGE",
		"LABFORGE_STEP_MAX_ATTEMPTS=0":           "LABFORGE_STEP_MAX_ATTEMPTS",
		"LABFORGE_WORKER_ACTIVITY_SLOTS=0":       "LABFORGE_WORKER_ACTIVITY_SLOTS",
		"LABFORGE_STEP_RETRY_INTERVAL=1ns":       "LABFORGE_STEP_RETRY_INTERVAL",
		"LABFORGE_HEARTBEAT_TIMEOUT=2h":          "LABFORGE_HEARTBEAT_TIMEOUT",
		"LABFORGE_GATEWAY_DIR=gw":                "LABFORGE_GATEWAY_DIR",
		"LABFORGE_GATEWAY_HTTP_LISTEN=:80":       "LABFORGE_GATEWAY_HTTP_LISTEN",
		"LABFORGE_GATEWAY_HTTPS_LISTEN=x:443":    "LABFORGE_GATEWAY_HTTPS_LISTEN",
		"LABFORGE_GATEWAY_STREAM_ADDRESS=any":    "LABFORGE_GATEWAY_STREAM_ADDRESS",
		"LABFORGE_GATEWAY_DNS_LISTEN=lo":         "LABFORGE_GATEWAY_DNS_LISTEN",
		"LABFORGE_GATEWAY_DNS_PORT=0":            "LABFORGE_GATEWAY_DNS_PORT",
		"LABFORGE_GATEWAY_DHCP=maybe":            "LABFORGE_GATEWAY_DHCP",
		"LABFORGE_GATEWAY_COMMAND_TIMEOUT=1ms":   "LABFORGE_GATEWAY_COMMAND_TIMEOUT",
		"LABFORGE_MOODLE_URL=moodle.example.edu": "LABFORGE_MOODLE_URL",
		"LABFORGE_MOODLE_URL=https://m.example":  "LABFORGE_MOODLE_TOKEN",
	}
	for kv, variable := range cases {
		_, err := config.LoadFrom([]string{kv})
		if err == nil {
			t.Errorf("%s: want an error", kv)
			continue
		}
		if !strings.Contains(err.Error(), variable) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q should be one line naming %s", kv, err, variable)
		}
	}
}

func TestGatewayQueuesAreValid(t *testing.T) {
	c, err := config.LoadFrom([]string{"LABFORGE_WORKER_QUEUES=gateway.lab-a"})
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkerQueues[0] != "gateway.lab-a" {
		t.Fatal(c.WorkerQueues)
	}
}

func TestGatewayHostSettings(t *testing.T) {
	c, err := config.LoadFrom([]string{"LABFORGE_GATEWAY_HTTPS_LISTEN=none", "LABFORGE_GATEWAY_DNS_LISTEN=10.20.0.1",
		"LABFORGE_GATEWAY_DHCP=false"})
	if err != nil {
		t.Fatal(err)
	}
	if config.Unless(c.GatewayHTTPSListen) != "" || c.GatewayDNSListen != "10.20.0.1" || c.GatewayDHCP {
		t.Fatalf("got %+v", c)
	}
}

func TestRequireJWTSecret(t *testing.T) {
	c, _ := config.LoadFrom(nil)
	if err := c.RequireJWTSecret(); err == nil || !strings.Contains(err.Error(), "LABFORGE_JWT_SECRET") {
		t.Fatalf("got %v", err)
	}
}

func TestLogValueRedactsSecrets(t *testing.T) {
	c, err := config.LoadFrom([]string{
		"LABFORGE_JWT_SECRET=" + strings.Repeat("s", 40),
		"LABFORGE_DATABASE_URL=postgres://labforge:hunter2hunter2@db/labforge",
	})
	if err != nil {
		t.Fatal(err)
	}
	out := fmt.Sprint(slog.AnyValue(c).Resolve())
	if strings.Contains(out, "hunter2") || strings.Contains(out, strings.Repeat("s", 40)) {
		t.Fatalf("secret leaked: %s", out)
	}
	if !strings.Contains(out, "postgres://labforge:xxxxx@db/labforge") {
		t.Fatalf("database URL not shown redacted: %s", out)
	}
}

func TestGuacamoleIsOffByDefaultAndNeedsCredentials(t *testing.T) {
	if c := config.Default(); c.GuacamoleURL != "" {
		t.Errorf("Guacamole is on by default: %q", c.GuacamoleURL)
	}
	_, err := config.LoadFrom([]string{"LABFORGE_GUACAMOLE_URL=https://guac.example.org/guacamole"})
	if err == nil || !strings.Contains(err.Error(), "LABFORGE_GUACAMOLE_USERNAME") {
		t.Errorf("URL without credentials: %v", err)
	}
	_, err = config.LoadFrom([]string{"LABFORGE_GUACAMOLE_URL=guac:8080", "LABFORGE_GUACAMOLE_USERNAME=a", "LABFORGE_GUACAMOLE_PASSWORD=b"})
	if err == nil || !strings.Contains(err.Error(), "LABFORGE_GUACAMOLE_URL") {
		t.Errorf("URL without scheme: %v", err)
	}
	c, err := config.LoadFrom([]string{"LABFORGE_GUACAMOLE_URL=https://guac.example.org/guacamole",
		"LABFORGE_GUACAMOLE_USERNAME=labforge", "LABFORGE_GUACAMOLE_PASSWORD=guac-secret-pw"})
	if err != nil {
		t.Fatal(err)
	}
	if out := fmt.Sprint(slog.AnyValue(c).Resolve()); strings.Contains(out, "guac-secret-pw") {
		t.Errorf("Guacamole password leaked: %s", out)
	}
}

func TestMoodleSettings(t *testing.T) {
	c, err := config.LoadFrom(nil)
	if err != nil || c.MoodleEnabled() {
		t.Fatalf("Moodle is on by default: %v", err)
	}
	const token = "0123456789abcdef0123456789abcdef"
	c, err = config.LoadFrom([]string{"LABFORGE_MOODLE_URL=https://moodle.example.edu", "LABFORGE_MOODLE_TOKEN=" + token})
	if err != nil || !c.MoodleEnabled() || c.MoodleTimeout != 30*time.Second {
		t.Fatalf("config = %+v, %v", c, err)
	}
	if out := fmt.Sprint(slog.AnyValue(c).Resolve()); strings.Contains(out, token) {
		t.Errorf("the Moodle token leaked: %s", out)
	}
	_, err = config.LoadFrom([]string{"LABFORGE_MOODLE_URL=https://moodle.example.edu", "LABFORGE_MOODLE_TOKEN=t",
		"LABFORGE_MOODLE_TIMEOUT=0s", "LABFORGE_MOODLE_DUPLICATE_TIMEOUT=5s"})
	if err == nil || !strings.Contains(err.Error(), "LABFORGE_MOODLE_TIMEOUT") || !strings.Contains(err.Error(), "LABFORGE_MOODLE_DUPLICATE_TIMEOUT") {
		t.Errorf("bad timeouts: %v", err)
	}
}

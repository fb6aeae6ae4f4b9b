package devstack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/apptest"
	"github.com/labforge/labforge/internal/devstack"
)

// TestStackRestartsOnSameData stops and starts the whole dev stack on one
// data directory, two seconds apart, as a developer does with Ctrl-C and
// `make dev`: every start must come up on the same ports with workers that
// run workflows, and sign the configured admin in without printing the
// password.
func TestStackRestartsOnSameData(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	const password = "configured-password-42"
	ports := stablePorts(t, 11)
	settings := devstack.Settings{
		DataDir:          t.TempDir(),
		PostgresPort:     ports[0],
		MongoPort:        ports[1],
		TemporalPort:     ports[2],
		UIPort:           ports[3],
		PVEPort:          ports[4],
		PVETimeScale:     0.1,
		GatewayHTTPPort:  ports[5],
		GatewayHTTPSPort: ports[6],
		GatewayDNSPort:   ports[7],
		SMTPPort:         ports[8],
		GuacamolePort:    ports[9],
		MoodlePort:       ports[10],
	}
	environ := []string{"LABFORGE_HTTP_ADDR=127.0.0.1:0", "LABFORGE_BOOTSTRAP_ADMIN_PASSWORD=" + password}

	for run := range 4 {
		if run > 0 {
			select {
			case <-ctx.Done():
				t.Fatal(ctx.Err())
			case <-time.After(2 * time.Second):
			}
		}
		// The last start renders the gateway's files only, as without
		// nginx and dnsmasq, and must stop what the earlier ones ran.
		settings.GatewayRenderOnly = run == 3
		start := time.Now()
		banner, stop := startStack(ctx, t, settings, environ)
		up := time.Since(start)
		t.Logf("run %d: up in %s", run, up.Round(time.Millisecond))
		// Well under a second here; a restart that waits for Temporal's
		// services to find one another takes 20 to 40 seconds.
		require.Less(t, up, 15*time.Second, "run %d came up too slowly", run)
		require.NotContains(t, banner, password)
		require.Contains(t, banner, fmt.Sprintf("Guacamole (sim)  http://127.0.0.1:%d/api", settings.GuacamolePort))
		require.Contains(t, banner, fmt.Sprintf("Moodle (sim)     http://127.0.0.1:%d/webservice/rest/server.php", settings.MoodlePort))
		require.NoFileExists(t, filepath.Join(settings.DataDir, "admin-password"))
		require.Contains(t, banner, "admin / (not shown)")
		if run == 0 {
			require.Contains(t, banner, "(the configured LABFORGE_BOOTSTRAP_ADMIN_PASSWORD)")
		}
		api := strings.Replace(regexp.MustCompile(`API +(http://\S+)`).FindStringSubmatch(banner)[1], "localhost", "127.0.0.1", 1)
		token := login(ctx, t, api, "admin", password)
		runDiagnostics(ctx, t, api, token)
		checkLabSite(ctx, t, api, token, banner, settings)
		if run == 0 {
			checkDevMail(ctx, t, api, banner, settings.SMTPPort)
		}
		start = time.Now()
		stop()
		t.Logf("run %d: stopped in %s", run, time.Since(start).Round(time.Millisecond))
	}
}

// stablePorts returns n distinct free loopback ports below the kernel's
// range of ephemeral ports. A port kept across restarts must lie outside
// that range, as the dev stack's defaults do: between two runs, any
// outgoing connection on the machine may take a port from it as its own.
func stablePorts(t *testing.T, n int) []int {
	t.Helper()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		_, _ = fmt.Sscan(string(b), &low)
	}
	var ports []int
	for range 100 * n {
		if len(ports) == n {
			return ports
		}
		port := 10000 + rand.IntN(max(low-10000, 1))
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil && !slices.Contains(ports, port) {
			ports = append(ports, port)
		}
		if err == nil {
			require.NoError(t, l.Close())
		}
	}
	t.Fatalf("found only %d free loopback ports below the ephemeral range", len(ports))
	return nil
}

// startStack runs the dev stack until its banner is printed and returns
// the banner and a function that stops the stack and checks that it ended
// cleanly; the stack is also stopped when the test ends.
func startStack(ctx context.Context, t *testing.T, s devstack.Settings, environ []string) (string, func()) {
	t.Helper()
	runCtx, cancel := context.WithCancel(ctx)
	out := &apptest.SyncBuffer{}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	done := make(chan error, 1)
	go func() { done <- devstack.Run(runCtx, s, environ, out, logger) }()
	stop := sync.OnceFunc(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("the dev stack ended with: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("the dev stack did not stop within 30 seconds")
		}
	})
	t.Cleanup(stop)
	for !strings.Contains(out.String(), "Press Ctrl-C to stop.") {
		select {
		case err := <-done:
			done <- err // for stop
			t.Fatalf("the dev stack ended before it was up: %v\n%s", err, out.String())
		case <-ctx.Done():
			t.Fatalf("the dev stack is not up in time:\n%s", out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return out.String(), stop
}

// login signs in and returns the access token.
func login(ctx context.Context, t *testing.T, api, username, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	status, resp := call(ctx, t, http.MethodPost, api+"/api/v1/auth/login", "", body)
	require.Equal(t, http.StatusOK, status, resp)
	var tokens struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal([]byte(resp), &tokens))
	return tokens.AccessToken
}

// runDiagnostics runs the diagnostics workflow, which probes every worker
// queue, and waits for it to report the platform healthy.
func runDiagnostics(ctx context.Context, t *testing.T, api, token string) {
	t.Helper()
	status, resp := call(ctx, t, http.MethodPost, api+"/api/v1/system/diagnostics", token, nil)
	require.Equal(t, http.StatusAccepted, status, resp)
	var op struct {
		Result map[string]any `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(waitOperation(ctx, t, api, token, resp)), &op))
	require.Equal(t, true, op.Result["healthy"], "%v", op.Result)
}

// waitOperation polls the operation in body (an operation resource)
// until it completes, and returns its last state.
func waitOperation(ctx context.Context, t *testing.T, api, token, body string) string {
	t.Helper()
	var op struct {
		ID, State, Error string
	}
	require.NoError(t, json.Unmarshal([]byte(body), &op))
	for op.State != "completed" {
		require.NotContains(t, []string{"failed", "aborted"}, op.State, op.Error)
		select {
		case <-ctx.Done():
			t.Fatalf("operation %s still %s", op.ID, op.State)
		case <-time.After(100 * time.Millisecond):
		}
		var status int
		status, body = call(ctx, t, http.MethodGet, api+"/api/v1/operations/"+op.ID, token, nil)
		require.Equal(t, http.StatusOK, status, body)
		require.NoError(t, json.Unmarshal([]byte(body), &op))
	}
	return body
}

// call sends one request and returns the status and body.
func call(ctx context.Context, t *testing.T, method, url, token string, body []byte) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// checkDevMail sends a message to the dev stack's SMTP sink, which the
// banner names, and finds it at /dev/mail and /dev/mail.json.
func checkDevMail(ctx context.Context, t *testing.T, api, banner string, port int) {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	require.Contains(t, banner, "smtp://"+addr)
	require.Contains(t, banner, "/dev/mail")
	msg := "From: labforge@localhost\r\nTo: dev@example.org\r\nSubject: dev mail check\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n<p>hello <b>dev</b></p>\r\n"
	require.NoError(t, smtp.SendMail(addr, nil, "labforge@localhost", []string{"dev@example.org"}, []byte(msg)))
	status, body := call(ctx, t, http.MethodGet, api+"/dev/mail.json", "", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"subject":"dev mail check"`)
	status, body = call(ctx, t, http.MethodGet, api+"/dev/mail", "", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "dev mail check")
	require.Contains(t, body, "srcdoc=\"&lt;p&gt;hello", "the message's HTML is shown in a sandboxed frame")
}

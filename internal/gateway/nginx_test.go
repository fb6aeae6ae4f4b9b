package gateway

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// get fetches path through NGINX's plain HTTP port with the given Host.
func (s *testSite) get(t *testing.T, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(testContext(t, 10*time.Second), http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(s.httpPort)+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestNginxRoutesHTTPByHostName(t *testing.T) {
	s := newTestSite(t)
	if _, err := s.applier.Apply(testContext(t, 20*time.Second), s.snap); err != nil {
		t.Fatal(err)
	}
	s.startNginx(t)

	code, body := s.get(t, "web.apps.test")
	if code != http.StatusOK || !strings.Contains(body, "hello from web host=web.apps.test xfh=web.apps.test xfp=http xff=127.0.0.1") {
		t.Fatalf("web.apps.test: %d %q", code, body)
	}
	if code, body := s.get(t, "other.apps.test"); code != http.StatusNotFound {
		t.Fatalf("unknown name: %d %q, want 404", code, body)
	}
}

func TestNginxServesTLSWithTheDomainCertificate(t *testing.T) {
	s := newTestSite(t)
	if _, err := s.applier.Apply(testContext(t, 20*time.Second), s.snap); err != nil {
		t.Fatal(err)
	}
	s.startNginx(t)

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(s.certPEM)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "web.apps.test"},
	}}
	req, _ := http.NewRequest(http.MethodGet, "https://127.0.0.1:"+strconv.Itoa(s.tlsPort)+"/", nil)
	req.Host = "web.apps.test"
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "xfp=https") {
		t.Fatalf("https web.apps.test: %d %q", resp.StatusCode, body)
	}

	// An unknown name under the domain gets the domain's certificate and 404.
	client.Transport.(*http.Transport).TLSClientConfig.ServerName = "other.apps.test"
	req.Host = "other.apps.test"
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("https other.apps.test: %d, want 404", resp.StatusCode)
	}
}

func TestNginxPassesWebSocketUpgrade(t *testing.T) {
	s := newTestSite(t)
	if _, err := s.applier.Apply(testContext(t, 20*time.Second), s.snap); err != nil {
		t.Fatal(err)
	}
	s.startNginx(t)

	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.httpPort), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: web.apps.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("upgrade answered %d %q", resp.StatusCode, body)
	}
	io.WriteString(c, "ping over the upgraded connection")
	got := make([]byte, len("ping over the upgraded connection"))
	if _, err := io.ReadFull(br, got); err != nil {
		t.Fatal(err)
	}
	if string(got) != "ping over the upgraded connection" {
		t.Fatalf("echo %q", got)
	}
}

func TestNginxStreamsTCPAndUDP(t *testing.T) {
	s := newTestSite(t)
	if _, err := s.applier.Apply(testContext(t, 20*time.Second), s.snap); err != nil {
		t.Fatal(err)
	}
	s.startNginx(t)

	for _, network := range []string{"tcp", "udp"} {
		port := s.tcpPort
		if network == "udp" {
			port = s.udpPort
		}
		c, err := net.DialTimeout(network, "127.0.0.1:"+strconv.Itoa(port), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		msg := "hello over " + network
		if _, err := io.WriteString(c, msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 64)
		n, err := c.Read(got)
		if err != nil || string(got[:n]) != msg {
			t.Fatalf("%s echo through port %d: %q, %v", network, port, got[:n], err)
		}
	}
}

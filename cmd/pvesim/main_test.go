package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

func TestExampleSeedMatchesDefault(t *testing.T) {
	seed, err := pvesim.LoadSeed("seed.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	def := pvesim.DefaultSeed()
	if seed.Cluster != def.Cluster || len(seed.Nodes) != len(def.Nodes) || len(seed.Templates) != len(def.Templates) ||
		len(seed.CTTemplates) != len(def.CTTemplates) || seed.Tokens[0] != def.Tokens[0] || len(seed.Guests) != 1 {
		t.Errorf("example seed drifted from DefaultSeed: %+v", seed)
	}
	if seed.Durations.CloneFull != time.Minute {
		t.Errorf("durations not parsed: %+v", seed.Durations)
	}
	if _, err := pvesim.NewServer(pvesim.Config{Seed: seed, SkipValidation: true}); err != nil {
		t.Errorf("example seed does not build: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesAndPrintsCredentials(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	certOut := filepath.Join(t.TempDir(), "pvesim.pem")
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-seed", "seed.example.yaml", "-time-scale", "0.001",
			"-cert-out", certOut, "-error-rate", "0", "-log-level", "warn"}, &out, &errOut)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Validation:") {
		if time.Now().After(deadline) {
			t.Fatalf("no banner; stdout %q stderr %q", out.String(), errOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	if !strings.HasPrefix(fields["Token"], "PVEAPIToken=root@pam!labforge=") || len(fields["Fingerprint"]) != 95 {
		t.Errorf("banner = %q", out.String())
	}
	pemBytes, err := os.ReadFile(certOut)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest(http.MethodGet, fields["API"]+"/nodes/pve1/qemu", nil)
	req.Header.Set("Authorization", fields["Token"])
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"name":"monitoring"`) {
		t.Errorf("GET qemu: %s %s", res.Status, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestRunRejectsNonLoopback(t *testing.T) {
	err := run(context.Background(), []string{"-listen", "0.0.0.0:0", "-no-validate"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Errorf("run on 0.0.0.0: %v", err)
	}
}

func TestParsePorts(t *testing.T) {
	for in, want := range map[string]string{"": "[]", "80": "[80]", " 80, 8080 ,": "[80 8080]"} {
		got, err := parsePorts(in)
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("parsePorts(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "65536", "http", "80;81"} {
		if _, err := parsePorts(in); err == nil {
			t.Errorf("parsePorts(%q) succeeded", in)
		}
	}
}

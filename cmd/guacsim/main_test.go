package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/guacamole"
)

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

func TestRunServesTheClient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-admin-password", "pw", "-log-level", "warn"}, &out, &errOut)
	}()
	var url string
	for url == "" {
		for _, line := range strings.Split(out.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "URL:"); ok {
				url = strings.TrimSpace(v)
			}
		}
		if url == "" {
			select {
			case err := <-done:
				t.Fatalf("run ended: %v; stderr %s", err, errOut.String())
			case <-ctx.Done():
				t.Fatalf("no banner: %q", out.String())
			case <-time.After(5 * time.Millisecond):
			}
		}
	}
	c, err := guacamole.New(guacamole.Config{URL: url, Username: "guacadmin", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateConnection(ctx, guacamole.Connection{Name: "vm", Protocol: "rdp"}); err != nil {
		t.Fatalf("CreateConnection: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestBadFlags(t *testing.T) {
	var out, errOut syncBuffer
	if err := run(context.Background(), []string{"-listen", "10.0.0.1:80"}, &out, &errOut); err == nil {
		t.Error("a non-loopback address was accepted")
	}
	if err := run(context.Background(), []string{"-error-rate", "3"}, &out, &errOut); err == nil {
		t.Error("error rate 3 was accepted")
	}
}

package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/labforge/labforge/internal/guacamole"
)

func TestRunServesTheClient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stdout, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-listen", "127.0.0.1:0", "-admin-password", "pw", "-log-level", "warn"}, w, io.Discard)
		_ = w.CloseWithError(io.EOF)
		done <- err
	}()
	// The banner ends with the data source; the URL line comes first.
	var url string
	for sc := bufio.NewScanner(stdout); sc.Scan(); {
		if v, ok := strings.CutPrefix(sc.Text(), "URL:"); ok {
			url = strings.TrimSpace(v)
		}
		if strings.HasPrefix(sc.Text(), "Data source:") {
			break
		}
	}
	if url == "" {
		t.Fatalf("no URL in the banner; run: %v", <-done)
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
	for _, args := range [][]string{{"-listen", "10.0.0.1:80"}, {"-error-rate", "3"}, {"-log-level", "loud"}} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}

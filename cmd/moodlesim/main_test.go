package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRunServesTemplates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Read the banner through a pipe, line by line, until the REST line.
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-listen", "127.0.0.1:0", "-token", "tok", "-template", "NET-TPL=Networking template", "-log-level", "warn"}, pw, io.Discard)
		pw.CloseWithError(err)
		done <- err
	}()
	var rest string
	lines := bufio.NewScanner(pr)
	for rest == "" && lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "REST:"); ok {
			rest = strings.TrimSpace(v)
		}
	}
	if rest == "" {
		t.Fatalf("no REST line: %v", lines.Err())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	form := url.Values{"wstoken": {"tok"}, "wsfunction": {"core_course_get_courses_by_field"},
		"moodlewsrestformat": {"json"}, "field": {"shortname"}, "value": {"NET-TPL"}}
	res, err := http.PostForm(rest, form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(b), `"fullname":"Networking template"`) {
		t.Errorf("answer = %s", b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{{"-template", "nofullname"}, {"-error-status", "404"}, {"-listen", "0.0.0.0:0"}} {
		if err := run(ctx, args, io.Discard, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

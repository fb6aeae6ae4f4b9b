package apptest

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"
)

// Browser returns an HTTP client that behaves like a browser for sign-in
// flows: it keeps cookies and follows redirects, also to other servers
// (an identity provider on loopback). The stack's answers among them are
// checked against the contract as Do's are.
func (s *Stack) Browser(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	own, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &hostTransport{
		host: own.Host, checked: &contractTransport{t: t, next: http.DefaultTransport}, other: http.DefaultTransport,
	}}
}

// hostTransport sends requests to host through checked, others through other.
type hostTransport struct {
	host           string
	checked, other http.RoundTripper
}

func (h *hostTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == h.host {
		return h.checked.RoundTrip(req)
	}
	return h.other.RoundTrip(req)
}

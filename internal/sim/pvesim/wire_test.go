package pvesim_test

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	proxmox "github.com/luthermonson/go-proxmox"
)

func TestReasonPhraseAndEnvelope(t *testing.T) {
	s := newSim(t, nil)

	ok := rawDo(t, s, "GET", "/cluster/nextid", "", "", nil)
	if ok.status != 200 || ok.body != `{"data":"100"}`+"\n" && ok.body != `{"data":"100"}` {
		t.Errorf("nextid: %d %q", ok.status, ok.body)
	}
	if ok.header.Get("Server") != "pve-api-daemon/3.0" || !strings.HasPrefix(ok.header.Get("Content-Type"), "application/json") {
		t.Errorf("headers = %v", ok.header)
	}

	missing := rawDo(t, s, "GET", "/nodes/pve1/qemu/105/config", "", "", nil)
	if missing.status != 500 || missing.reason != "Configuration file 'nodes/pve1/qemu-server/105.conf' does not exist" {
		t.Errorf("missing config: %d %q", missing.status, missing.reason)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(missing.body), &body); err != nil {
		t.Fatalf("500 body %q: %v", missing.body, err)
	}
	if v, ok := body["data"]; !ok || v != nil || body["message"] != "Configuration file 'nodes/pve1/qemu-server/105.conf' does not exist\n" {
		t.Errorf("500 body = %v", body)
	}
	if !missing.closed {
		t.Error("error answers must close the connection like pveproxy")
	}

	notImpl := rawDo(t, s, "GET", "/nodes/pve1/frobnicate", "", "", nil)
	if notImpl.status != 501 || notImpl.reason != "Method 'GET /nodes/pve1/frobnicate' not implemented" {
		t.Errorf("unknown method: %d %q", notImpl.status, notImpl.reason)
	}
	unknownNode := rawDo(t, s, "GET", "/nodes/pve9/status", "", "", nil)
	if unknownNode.status != 500 || !strings.HasPrefix(unknownNode.reason, "hostname lookup 'pve9' failed") {
		t.Errorf("unknown node: %d %q", unknownNode.status, unknownNode.reason)
	}

	// The raw status line, byte for byte, and a keep-alive connection for successes.
	conn, err := tls.Dial("tcp", strings.TrimPrefix(s.URL(), "https://"), &tls.Config{RootCAs: s.CertPool()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _, auth := s.Token()
	br := bufio.NewReader(conn)
	for i := 0; i < 2; i++ {
		if _, err := io.WriteString(conn, "GET /api2/json/version HTTP/1.1\r\nHost: x\r\nAuthorization: "+auth+"\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("keep-alive request %d: %v", i, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	if _, err := io.WriteString(conn, "POST /api2/json/nodes/pve1/qemu/9000/status/reset HTTP/1.1\r\nHost: x\r\nAuthorization: "+auth+"\r\nContent-Length: 0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 500 VM 9000 not running\r\n" {
		t.Errorf("status line = %q, %v", line, err)
	}
}

func TestParameterVerification(t *testing.T) {
	schemaOrSkip(t)
	s := newSim(t, nil)
	if !s.Validating() {
		t.Fatal("simulator does not validate although the schema is present")
	}
	r := rawDo(t, s, "POST", "/nodes/pve1/qemu/9000/clone", "application/x-www-form-urlencoded", "newid=99&bogus=1", nil)
	if r.status != 400 || r.reason != "Parameter verification failed." {
		t.Fatalf("bad clone: %d %q %s", r.status, r.reason, r.body)
	}
	var body struct {
		Data   any               `json:"data"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.body), &body); err != nil {
		t.Fatalf("400 body %q: %v", r.body, err)
	}
	if body.Data != nil || body.Errors["bogus"] == "" || body.Errors["newid"] == "" {
		t.Errorf("400 body = %s", r.body)
	}

	// go-proxmox surfaces the errors object in its error text.
	c := newClient(t, s)
	_, _, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 99})
	if err == nil || !strings.HasPrefix(err.Error(), "bad request: 400 Parameter verification failed. - {") || !strings.Contains(err.Error(), `"newid"`) {
		t.Errorf("go-proxmox 400 error = %v", err)
	}
	// A path parameter repeated with another value.
	r = rawDo(t, s, "GET", "/nodes/pve1/qemu/9000/config?vmid=9001", "", "", nil)
	if r.status != 400 || !strings.Contains(r.body, "duplicate parameter (already defined in URI) with conflicting values!") {
		t.Errorf("conflicting path param: %d %s", r.status, r.body)
	}
	// nextid with a taken VMID is a parameter error, as in Proxmox.
	r = rawDo(t, s, "GET", "/cluster/nextid?vmid=9000", "", "", nil)
	if r.status != 400 || !strings.Contains(r.body, `"vmid":"VM 9000 already exists"`) {
		t.Errorf("nextid taken: %d %s", r.status, r.body)
	}
}

func TestAuthentication(t *testing.T) {
	s := newSim(t, nil)

	r := rawDo(t, s, "GET", "/version", "", "", map[string]string{})
	if r.status != 401 || r.reason != "No ticket" || r.body != "" {
		t.Errorf("no credentials: %d %q %q", r.status, r.reason, r.body)
	}
	r = rawDo(t, s, "GET", "/version", "", "", map[string]string{"Authorization": "PVEAPIToken=root@pam!labforge=wrong"})
	if r.status != 401 || r.reason != "Authentication failed!" {
		t.Errorf("bad token: %d %q", r.status, r.reason)
	}

	// Ticket flow: login, then the cookie, and the CSRF header on writes.
	r = rawDo(t, s, "POST", "/access/ticket", "application/x-www-form-urlencoded", "username=root@pam&password=nope", map[string]string{})
	if r.status != 401 || r.reason != "authentication failure" {
		t.Errorf("bad password: %d %q", r.status, r.reason)
	}
	r = rawDo(t, s, "POST", "/access/ticket", "application/x-www-form-urlencoded", "username=root&realm=pam&password=labforge", map[string]string{})
	var login struct {
		Data struct {
			Username, Ticket, CSRFPreventionToken string
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.body), &login); err != nil || r.status != 200 || login.Data.Username != "root@pam" {
		t.Fatalf("login: %d %s %v", r.status, r.body, err)
	}
	cookie := "PVEAuthCookie=" + url.QueryEscape(login.Data.Ticket)
	if r := rawDo(t, s, "GET", "/cluster/status", "", "", map[string]string{"Cookie": cookie}); r.status != 200 {
		t.Errorf("GET with ticket: %d %q", r.status, r.reason)
	}
	r = rawDo(t, s, "POST", "/pools", "application/x-www-form-urlencoded", "poolid=extra", map[string]string{"Cookie": cookie})
	if r.status != 401 || r.reason != "Permission denied - invalid csrf token" {
		t.Errorf("POST without CSRF: %d %q", r.status, r.reason)
	}
	r = rawDo(t, s, "POST", "/pools", "application/x-www-form-urlencoded", "poolid=extra",
		map[string]string{"Cookie": cookie, "CSRFPreventionToken": login.Data.CSRFPreventionToken})
	if r.status != 200 {
		t.Errorf("POST with CSRF: %d %q", r.status, r.reason)
	}

	// go-proxmox with credentials logs in by itself.
	c := proxmox.NewClient(s.APIURL(), proxmox.WithCredentials(&proxmox.Credentials{Username: "root@pam", Password: "labforge"}),
		proxmox.WithRootCAs(s.CertPool()))
	if err := c.NewPool(ctx(t), "viaticket", "made with a ticket"); err != nil {
		t.Fatalf("NewPool via ticket: %v", err)
	}
	bad := proxmox.NewClient(s.APIURL(), proxmox.WithAPIToken("root@pam!labforge", "nope"), proxmox.WithRootCAs(s.CertPool()))
	if _, err := bad.Version(ctx(t)); !proxmox.IsNotAuthorized(err) {
		t.Errorf("bad token via go-proxmox: %v", err)
	}
}

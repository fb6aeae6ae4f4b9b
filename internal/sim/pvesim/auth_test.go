package pvesim_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// login gets a ticket and CSRF token for root@pam.
func login(t *testing.T, s *pvesim.Server) (ticket, csrf string) {
	t.Helper()
	r := rawDo(t, s, "POST", "/access/ticket", "application/x-www-form-urlencoded", "username=root@pam&password="+pvesim.DefaultPassword, map[string]string{})
	var res struct {
		Data struct{ Ticket, CSRFPreventionToken string } `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.body), &res); err != nil || r.status != 200 {
		t.Fatalf("login: %d %s %v", r.status, r.body, err)
	}
	return res.Data.Ticket, res.Data.CSRFPreventionToken
}

// TestTicketWinsOverToken checks pveproxy's choice of credentials
// (PVE::APIServer::AnyEvent): the PVEAuthCookie cookie is used even when an
// API token is sent too, valid or not, and the token only when no ticket
// came at all.
func TestTicketWinsOverToken(t *testing.T) {
	s := newSim(t, nil)
	ticket, csrf := login(t, s)
	cookie := "PVEAuthCookie=" + url.QueryEscape(ticket)
	_, _, token := s.Token()

	r := rawDo(t, s, "GET", "/version", "", "", map[string]string{"Cookie": cookie, "Authorization": "PVEAPIToken=root@pam!labforge=wrong"})
	if r.status != 200 {
		t.Errorf("valid ticket, bad token: %d %q", r.status, r.reason)
	}
	r = rawDo(t, s, "GET", "/version", "", "", map[string]string{"Cookie": "PVEAuthCookie=PVE:root@pam:00000000::forged", "Authorization": token})
	if r.status != 401 || r.reason != "Authentication failed!" {
		t.Errorf("bad ticket, valid token: %d %q", r.status, r.reason)
	}
	// With a ticket the write needs the CSRF token, although a token came too.
	r = rawDo(t, s, "POST", "/nodes/pve1/qemu/9000/status/start", "", "", map[string]string{"Cookie": cookie, "Authorization": token})
	if r.status != 401 || r.reason != "Permission denied - invalid csrf token" {
		t.Errorf("ticket and token, no CSRF: %d %q", r.status, r.reason)
	}
	// And the task belongs to the ticket's user, not to the token.
	r = rawDo(t, s, "POST", "/nodes/pve1/qemu/9000/status/start", "", "",
		map[string]string{"Cookie": cookie, "Authorization": token, "CSRFPreventionToken": csrf})
	if r.status != 200 || !strings.Contains(r.body, ":qmstart:9000:root@pam:") {
		t.Errorf("start with ticket and token: %d %s", r.status, r.body)
	}
}

// TestTicketInAuthorizationHeader checks pveproxy's fallback to a
// PVEAuthCookie in the Authorization header.
func TestTicketInAuthorizationHeader(t *testing.T) {
	s := newSim(t, nil)
	ticket, csrf := login(t, s)
	authz := "PVEAuthCookie=" + url.QueryEscape(ticket)

	if r := rawDo(t, s, "GET", "/cluster/status", "", "", map[string]string{"Authorization": authz}); r.status != 200 {
		t.Errorf("GET with the ticket in Authorization: %d %q", r.status, r.reason)
	}
	r := rawDo(t, s, "POST", "/pools", "application/x-www-form-urlencoded", "poolid=viaheader", map[string]string{"Authorization": authz})
	if r.status != 401 || r.reason != "Permission denied - invalid csrf token" {
		t.Errorf("POST without CSRF: %d %q", r.status, r.reason)
	}
	r = rawDo(t, s, "POST", "/pools", "application/x-www-form-urlencoded", "poolid=viaheader",
		map[string]string{"Authorization": authz, "CSRFPreventionToken": csrf})
	if r.status != 200 {
		t.Errorf("POST with CSRF: %d %q", r.status, r.reason)
	}
	r = rawDo(t, s, "GET", "/version", "", "", map[string]string{"Authorization": "PVEAuthCookie=PVE:root@pam:00000000::forged"})
	if r.status != 401 || r.reason != "Authentication failed!" {
		t.Errorf("forged ticket in Authorization: %d %q", r.status, r.reason)
	}
}

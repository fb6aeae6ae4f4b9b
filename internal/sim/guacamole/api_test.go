package guacamole_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

func TestSignInAnswersTokenAndDataSources(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	a := signIn(t, s, "guacadmin", "guacadmin")
	var out struct {
		AuthToken            string   `json:"authToken"`
		Username             string   `json:"username"`
		DataSource           string   `json:"dataSource"`
		AvailableDataSources []string `json:"availableDataSources"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &out) != nil {
		t.Fatalf("sign in: %d %s", a.status, a.body)
	}
	if len(out.AuthToken) != 64 || strings.ToUpper(out.AuthToken) != out.AuthToken || out.Username != "guacadmin" ||
		out.DataSource != "postgresql" || len(out.AvailableDataSources) != 2 || out.AvailableDataSources[0] != "postgresql" {
		t.Errorf("sign-in answer = %+v", out)
	}
	if a := do(t, http.MethodDelete, s.URL()+"/api/tokens/"+out.AuthToken, "", nil); a.status != http.StatusNoContent {
		t.Errorf("sign out: %d %s", a.status, a.body)
	}
	a = do(t, http.MethodGet, data(s, "/connections"), out.AuthToken, nil)
	if e := a.guacError(t); a.status != http.StatusForbidden || e.Type != "PERMISSION_DENIED" {
		t.Errorf("signed-out token: %d %s", a.status, a.body)
	}
	a = do(t, http.MethodDelete, s.URL()+"/api/tokens/"+out.AuthToken, "", nil)
	if e := a.guacError(t); a.status != http.StatusNotFound || e.Type != "NOT_FOUND" {
		t.Errorf("second sign out: %d %s", a.status, a.body)
	}
}

func TestWrongCredentialsAnswer403InvalidCredentials(t *testing.T) {
	s := newSim(t, guacsim.Config{AdminPassword: "right"})
	a := signIn(t, s, "guacadmin", "wrong")
	e := a.guacError(t)
	if a.status != http.StatusForbidden || e.Type != "INVALID_CREDENTIALS" || e.Message != "Invalid login." ||
		!strings.Contains(string(e.Expected), `"username"`) || !strings.Contains(string(e.TranslatableMessage), "LOGIN.ERROR_INVALID_LOGIN") {
		t.Errorf("wrong password: %d %s", a.status, a.body)
	}
	if a := signIn(t, s, "nobody", "right"); a.status != http.StatusForbidden {
		t.Errorf("unknown user: %d %s", a.status, a.body)
	}
}

func TestTokensExpireAfterInactivity(t *testing.T) {
	s := newSim(t, guacsim.Config{TokenTimeout: time.Minute, TimeScale: 0.005}) // 300 ms
	tok := adminToken(t, s)
	for range 3 { // used within the timeout, the token lives on
		if a := do(t, http.MethodGet, data(s, "/connections"), tok, nil); a.status != http.StatusOK {
			t.Fatalf("live token: %d %s", a.status, a.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(400 * time.Millisecond)
	a := do(t, http.MethodGet, data(s, "/connections"), tok, nil)
	e := a.guacError(t)
	if a.status != http.StatusForbidden || e.Type != "PERMISSION_DENIED" || e.Message != "Permission Denied." {
		t.Errorf("expired token: %d %s", a.status, a.body)
	}
}

func TestTokenInQueryParameterAndMissingToken(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	tok := adminToken(t, s)
	if a := do(t, http.MethodGet, data(s, "/connections?token="+tok), "", nil); a.status != http.StatusOK {
		t.Errorf("token query parameter: %d %s", a.status, a.body)
	}
	a := do(t, http.MethodGet, data(s, "/connections"), "", nil)
	if e := a.guacError(t); a.status != http.StatusForbidden || e.Type != "PERMISSION_DENIED" {
		t.Errorf("no token: %d %s", a.status, a.body)
	}
	a = do(t, http.MethodGet, s.URL()+"/api/session/data/mysql/connections", tok, nil)
	if e := a.guacError(t); a.status != http.StatusNotFound || e.Type != "NOT_FOUND" {
		t.Errorf("unknown data source: %d %s", a.status, a.body)
	}
}

func TestCreateConnectionValidation(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	tok := adminToken(t, s)
	id := createConnection(t, s, tok, "vm-1")
	if id != "1" {
		t.Errorf("first identifier = %q, want 1", id)
	}
	numericPort := sshConnection("vm-2")
	numericPort["parameters"] = map[string]any{"hostname": "h", "port": 22}
	noAttributes := sshConnection("vm-3")
	delete(noAttributes, "attributes")
	blank := sshConnection("  ")
	badProtocol := sshConnection("vm-4")
	badProtocol["protocol"] = "x11"
	for name, body := range map[string]any{
		"duplicate name": sshConnection("vm-1"), "numeric port": numericPort, "no attributes": noAttributes,
		"blank name": blank, "unknown protocol": badProtocol, "not JSON": "[",
	} {
		a := do(t, http.MethodPost, data(s, "/connections"), tok, body)
		if e := a.guacError(t); a.status != http.StatusBadRequest || e.Type != "BAD_REQUEST" || e.Message == "" {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
	}
	a := do(t, http.MethodPost, data(s, "/connections"), tok, sshConnection("vm-1"))
	if e := a.guacError(t); e.Message != `The connection "vm-1" already exists.` {
		t.Errorf("duplicate message = %q", e.Message)
	}
	if got := s.Connections(); len(got) != 1 || got[0].Parameters["password"] != "s3cret" || got[0].Parameters["port"] != "22" {
		t.Errorf("stored connections = %+v", got)
	}
	a = do(t, http.MethodGet, data(s, "/connections/1"), tok, nil)
	if a.status != http.StatusOK || strings.Contains(string(a.body), "s3cret") {
		t.Errorf("read connection: %d %s", a.status, a.body)
	}
}

func TestDeleteConnectionAndNotFound(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	tok := adminToken(t, s)
	id := createConnection(t, s, tok, "vm-1")
	if a := do(t, http.MethodDelete, data(s, "/connections/"+id), tok, nil); a.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", a.status, a.body)
	}
	a := do(t, http.MethodDelete, data(s, "/connections/"+id), tok, nil)
	if e := a.guacError(t); a.status != http.StatusNotFound || e.Type != "NOT_FOUND" || e.Message != `Not found: "1"` {
		t.Errorf("delete again: %d %s", a.status, a.body)
	}
}

func TestParticipantSeesOnlyGrantedConnections(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	admin := adminToken(t, s)
	a1 := createConnection(t, s, admin, "alice-vm")
	b1 := createConnection(t, s, admin, "bob-vm")
	for _, u := range []string{"alice", "bob"} {
		a := do(t, http.MethodPost, data(s, "/users"), admin, map[string]any{"username": u, "password": u + "-pw", "attributes": map[string]any{}})
		if a.status != http.StatusOK {
			t.Fatalf("create user %s: %d %s", u, a.status, a.body)
		}
	}
	grant := []map[string]string{{"op": "add", "path": "/connectionPermissions/" + a1, "value": "READ"}}
	if a := do(t, http.MethodPatch, data(s, "/users/alice/permissions"), admin, grant); a.status != http.StatusNoContent {
		t.Fatalf("grant: %d %s", a.status, a.body)
	}
	alice := token(t, s, "alice", "alice-pw")
	a := do(t, http.MethodGet, data(s, "/connections"), alice, nil)
	var list map[string]struct{ Name string }
	if err := json.Unmarshal(a.body, &list); err != nil || len(list) != 1 || list[a1].Name != "alice-vm" {
		t.Errorf("alice's connections: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, data(s, "/connections/"+b1), alice, nil); a.status != http.StatusNotFound {
		t.Errorf("alice reads bob's connection: %d %s", a.status, a.body)
	}
	// A participant cannot administer.
	a = do(t, http.MethodPost, data(s, "/connections"), alice, sshConnection("mine"))
	if e := a.guacError(t); a.status != http.StatusForbidden || e.Type != "PERMISSION_DENIED" || e.Message != "Permission denied." {
		t.Errorf("participant creates a connection: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodPatch, data(s, "/users/alice/permissions"), alice, grant); a.status != http.StatusForbidden {
		t.Errorf("participant grants itself: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, data(s, "/users/bob"), alice, nil); a.status != http.StatusNotFound {
		t.Errorf("alice reads bob: %d %s", a.status, a.body)
	}
	if ids, ok := s.Permissions("alice"); !ok || len(ids) != 1 || ids[0] != a1 {
		t.Errorf("Permissions(alice) = %v %v", ids, ok)
	}
	revoke := []map[string]string{{"op": "remove", "path": "/connectionPermissions/" + a1, "value": "READ"}}
	if a := do(t, http.MethodPatch, data(s, "/users/alice/permissions"), admin, revoke); a.status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, data(s, "/connections"), alice, nil); string(a.body) != "{}\n" {
		t.Errorf("alice after revoke: %s", a.body)
	}
}

func TestPermissionPatchValidation(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	admin := adminToken(t, s)
	id := createConnection(t, s, admin, "vm")
	do(t, http.MethodPost, data(s, "/users"), admin, map[string]any{"username": "u", "attributes": map[string]any{}})
	for name, c := range map[string]struct {
		op     map[string]string
		status int
		typ    string
	}{
		"replace":         {map[string]string{"op": "replace", "path": "/connectionPermissions/" + id, "value": "READ"}, 400, "BAD_REQUEST"},
		"bad path":        {map[string]string{"op": "add", "path": "/nothing/" + id, "value": "READ"}, 400, "BAD_REQUEST"},
		"bad value":       {map[string]string{"op": "add", "path": "/connectionPermissions/" + id, "value": "WRITE"}, 400, "BAD_REQUEST"},
		"absent conn":     {map[string]string{"op": "add", "path": "/connectionPermissions/99", "value": "READ"}, 500, "INTERNAL_ERROR"},
		"remove not held": {map[string]string{"op": "remove", "path": "/connectionPermissions/99", "value": "READ"}, 204, ""},
	} {
		a := do(t, http.MethodPatch, data(s, "/users/u/permissions"), admin, []map[string]string{c.op})
		if a.status != c.status {
			t.Errorf("%s: %d %s, want %d", name, a.status, a.body, c.status)
		} else if c.typ != "" && a.guacError(t).Type != c.typ {
			t.Errorf("%s: %s, want type %s", name, a.body, c.typ)
		}
	}
	a := do(t, http.MethodPatch, data(s, "/users/nobody/permissions"), admin, []map[string]string{})
	if e := a.guacError(t); a.status != http.StatusNotFound || e.Type != "NOT_FOUND" {
		t.Errorf("unknown user: %d %s", a.status, a.body)
	}
}

func TestUsersCreateDuplicateReadDelete(t *testing.T) {
	s := newSim(t, guacsim.Config{})
	admin := adminToken(t, s)
	body := map[string]any{"username": "carol", "password": "pw", "attributes": map[string]any{}}
	if a := do(t, http.MethodPost, data(s, "/users"), admin, body); a.status != http.StatusOK || strings.Contains(string(a.body), `"pw"`) {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	a := do(t, http.MethodPost, data(s, "/users"), admin, body)
	if e := a.guacError(t); a.status != http.StatusBadRequest || e.Message != `User "carol" already exists.` {
		t.Errorf("duplicate: %d %s", a.status, a.body)
	}
	carol := token(t, s, "carol", "pw")
	if a := do(t, http.MethodGet, data(s, "/users/carol/permissions"), carol, nil); a.status != http.StatusOK ||
		!strings.Contains(string(a.body), `"connectionPermissions":{}`) {
		t.Errorf("own permissions: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodDelete, data(s, "/users/carol"), admin, nil); a.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, data(s, "/connections"), carol, nil); a.status != http.StatusForbidden {
		t.Errorf("deleted user's token: %d %s", a.status, a.body)
	}
	if a := do(t, http.MethodGet, data(s, "/users/carol"), admin, nil); a.status != http.StatusNotFound {
		t.Errorf("deleted user: %d %s", a.status, a.body)
	}
}

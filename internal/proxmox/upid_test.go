package proxmox

import (
	"strings"
	"testing"
	"time"
)

func TestParseUPID(t *testing.T) {
	u, err := ParseUPID("UPID:pve1:0000A1B2:00C0FFEE:6745B1C0:qmclone:9000:root@pam!labforge:")
	if err != nil {
		t.Fatal(err)
	}
	want := UPID{Raw: u.Raw, Node: "pve1", PID: 0xA1B2, PStart: 0xC0FFEE, StartTime: time.Unix(0x6745B1C0, 0),
		Type: "qmclone", ID: "9000", User: "root@pam!labforge"}
	if u != want || u.String() != u.Raw {
		t.Errorf("ParseUPID = %+v, want %+v", u, want)
	}
	if u, err := ParseUPID("UPID:pve-2:00000001:000000002:00000003:vzdump::root@pam:"); err != nil || u.ID != "" || u.PStart != 2 {
		t.Errorf("9-digit pstart, empty id: %+v, %v", u, err)
	}
	for _, bad := range []string{
		"", "UPID:", "UPID:pve1:1:2:3:qmstart:100:root@pam:", "UPID:pve1:00000001:00000002:00000003:qmstart:100",
		"UPID:-pve1:00000001:00000002:00000003:qmstart:100:root@pam:", "UPID:pve1:00000001:00000002:00000003::100:root@pam:",
		"UPID:pve1:00000001:00000002:00000003:qmstart:100:root@pam:extra:", "UPID:pve1:00000001:00000002:00000003:qm start:100:root@pam:",
		"UPID:pve1:00000001:00000002:00000003:qmstart:1%2F0:root@pam:", " UPID:pve1:00000001:00000002:00000003:qmstart:100:root@pam:",
		"UPID:pve1:00000001:00000002:00000003:qmstart:100:root@pam:\n",
		"UPID:pve1:00000001:00000002:00000003:qmstart:1\x000:root@pam:", "UPID:pve1:00000001:00000002:00000003:qmstart:100:r\u00f6ot@pam:",
	} {
		if _, err := ParseUPID(bad); KindOf(err) != Invalid {
			t.Errorf("ParseUPID(%q) = %v, want Invalid", bad, err)
		}
	}
}

func FuzzParseUPID(f *testing.F) {
	f.Add("UPID:pve1:0000A1B2:00C0FFEE:6745B1C0:qmclone:9000:root@pam!labforge:")
	f.Add("UPID:pve1:00000001:00000002:00000003:qmstart:100")
	f.Add("UPID:::::::::")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUPID(s)
		if err != nil {
			if KindOf(err) != Invalid {
				t.Fatalf("error kind %s", KindOf(err))
			}
			return
		}
		if u.Raw != s || u.Node == "" || u.Type == "" || u.User == "" || strings.ContainsAny(s, "/?#% \t\n") || !printableASCII(s) {
			t.Fatalf("accepted %q as %+v", s, u)
		}
	})
}

func TestTaskStatusOutcome(t *testing.T) {
	for _, c := range []struct {
		st        TaskStatus
		running   bool
		succeeded bool
	}{
		{TaskStatus{Status: "running"}, true, false},
		{TaskStatus{Status: "stopped", ExitStatus: "OK"}, false, true},
		{TaskStatus{Status: "stopped", ExitStatus: "WARNINGS: 2"}, false, true},
		{TaskStatus{Status: "stopped", ExitStatus: "VM 104 already running"}, false, false},
		{TaskStatus{Status: "stopped", ExitStatus: "WARNINGS: x"}, false, false},
	} {
		if c.st.Running() != c.running || c.st.Succeeded() != c.succeeded {
			t.Errorf("%+v: running %v succeeded %v", c.st, c.st.Running(), c.st.Succeeded())
		}
	}
}

// TestUPIDOwner checks the split of a UPID's user field as Proxmox's task
// API makes it (convert_token_task): user@realm!token into user and token.
func TestUPIDOwner(t *testing.T) {
	for _, c := range []struct{ upid, user, token string }{
		{"UPID:pve1:0000A1B2:00C0FFEE:6745B1C0:qmclone:9000:root@pam!labforge:", "root@pam", "labforge"},
		{"UPID:pve1:0000A1B2:00C0FFEE:6745B1C0:qmclone:9000:root@pam:", "root@pam", ""},
		{"UPID:pve1:0000A1B2:00C0FFEE:6745B1C0:qmstart:100:ops@example.com@pve!ci-1:", "ops@example.com@pve", "ci-1"},
		{"UPID:pve1:0000A1B2:00C0FFEE:6745B1C0:qmstart:100:nobody!x:", "nobody!x", ""},
	} {
		u, err := ParseUPID(c.upid)
		if err != nil {
			t.Fatal(err)
		}
		if user, token := u.Owner(); user != c.user || token != c.token {
			t.Errorf("Owner(%s) = %q, %q; want %q, %q", c.upid, user, token, c.user, c.token)
		}
	}
}

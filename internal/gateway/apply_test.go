package gateway

import (
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestApplyRollsBackWhenNginxRejectsTheConfig(t *testing.T) {
	s := newTestSite(t)
	ctx := testContext(t, 20*time.Second)
	first, err := s.applier.Apply(ctx, s.snap)
	if err != nil {
		t.Fatal(err)
	}
	s.startNginx(t)
	before, err := os.ReadFile(s.cfg.NginxConf)
	if err != nil {
		t.Fatal(err)
	}

	broken := s.snap
	broken.ExternalDomains = []ExternalDomain{{Name: "apps.test",
		CertPath: filepath.Join(s.dir, "missing.crt"), KeyPath: filepath.Join(s.dir, "missing.key")}}
	_, err = s.applier.Apply(ctx, broken)
	var te *ToolError
	if !errors.As(err, &te) || te.Tool != "nginx" || te.Step != "test" {
		t.Fatalf("Apply(broken) = %v, want an nginx test failure", err)
	}
	if !strings.Contains(err.Error(), "missing.crt") {
		t.Fatalf("error %q does not carry nginx's message", err)
	}
	after, _ := os.ReadFile(s.cfg.NginxConf)
	if string(after) != string(before) {
		t.Fatal("the previous NGINX file was not restored")
	}
	if code, body := s.get(t, "web.apps.test"); code != http.StatusOK {
		t.Fatalf("old config stopped serving: %d %q", code, body)
	}
	// The state still names the first snapshot: applying it again is a no-op.
	again, err := s.applier.Apply(ctx, s.snap)
	if err != nil || again.Changed || again.Hash != first.Hash {
		t.Fatalf("re-apply of the serving snapshot = %+v, %v; want unchanged", again, err)
	}
}

func TestApplySameSnapshotDoesNothing(t *testing.T) {
	s := newTestSite(t)
	// Count every nginx run through a wrapper: an unchanged snapshot must
	// neither test nor reload.
	calls := filepath.Join(s.dir, "nginx-calls")
	wrapper := filepath.Join(s.dir, "nginx-wrapper")
	script := "#!/bin/sh\necho \"$*\" >> " + calls + "\nexec " + s.bins.Nginx + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	s.cfg.NginxBin = wrapper
	s.applier = s.newApplier(t)
	ctx := testContext(t, 20*time.Second)

	first, err := s.applier.Apply(ctx, s.snap)
	if err != nil || !first.Changed {
		t.Fatalf("first apply = %+v, %v", first, err)
	}
	s.startNginx(t)
	reordered := s.snap
	reordered.Containers[0].Services = []Service{s.snap.Containers[0].Services[2], s.snap.Containers[0].Services[0], s.snap.Containers[0].Services[1]}
	before, _ := os.ReadFile(calls)

	second, err := s.applier.Apply(ctx, reordered)
	if err != nil {
		t.Fatal(err)
	}
	if second.Changed || second.Hash != first.Hash || !second.AppliedAt.Equal(first.AppliedAt) {
		t.Fatalf("second apply = %+v, want unchanged with the first's hash and time %v", second, first.AppliedAt)
	}
	after, _ := os.ReadFile(calls)
	if string(after) != string(before) {
		t.Fatalf("an unchanged snapshot ran nginx again:\n%s", strings.TrimPrefix(string(after), string(before)))
	}

	// A changed snapshot tests and reloads.
	s.snap.Containers[0].Services = s.snap.Containers[0].Services[:1]
	third, err := s.applier.Apply(ctx, s.snap)
	if err != nil || !third.Changed {
		t.Fatalf("changed apply = %+v, %v", third, err)
	}
	after, _ = os.ReadFile(calls)
	if !strings.Contains(string(after), "-s reload") {
		t.Fatalf("a changed snapshot did not reload nginx; runs:\n%s", after)
	}
}

func TestApplyRejectsAnInvalidSnapshotWithoutWriting(t *testing.T) {
	s := newTestSite(t)
	s.snap.Containers[0].Hostname = "web\n}"
	_, err := s.applier.Apply(testContext(t, 10*time.Second), s.snap)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Apply = %v, want a *ValidationError", err)
	}
	if _, err := os.Stat(s.cfg.NginxConf); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an invalid snapshot wrote %s", s.cfg.NginxConf)
	}
}

func TestApplyRollsBackWhenNginxCannotReload(t *testing.T) {
	s := newTestSite(t)
	ctx := testContext(t, 20*time.Second)
	if _, err := s.applier.Apply(ctx, s.snap); err != nil {
		t.Fatal(err)
	}
	s.startNginx(t)
	before, _ := os.ReadFile(s.cfg.NginxConf)

	// nginx -t does not bind, so only the reload finds the port taken.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	busy := s.snap
	busy.Containers = []Container{s.snap.Containers[0]}
	busy.Containers[0].Services = append(slices.Clone(s.snap.Containers[0].Services),
		Service{Kind: KindTCP, Port: 22, ExternalPort: taken.Addr().(*net.TCPAddr).Port})

	_, err = s.applier.Apply(ctx, busy)
	var te *ToolError
	if !errors.As(err, &te) || te.Tool != "nginx" || te.Step != "reload" || !strings.Contains(err.Error(), "Address already in use") {
		t.Fatalf("Apply(busy port) = %v, want nginx's reload failure", err)
	}
	if after, _ := os.ReadFile(s.cfg.NginxConf); string(after) != string(before) {
		t.Fatal("the previous NGINX file was not restored")
	}
	if code, body := s.get(t, "web.apps.test"); code != http.StatusOK {
		t.Fatalf("old config stopped serving: %d %q", code, body)
	}
}

func TestApplyAcceptsTheLongestHostName(t *testing.T) {
	s := newTestSite(t)
	label := strings.Repeat("a", 63)
	long := label + "." + label + "." + label + "." + strings.Repeat("b", 51) + ".apps.test" // 253 characters
	s.snap.Containers[0].Services[0].Host = long
	if err := s.snap.Validate(); err != nil {
		t.Fatalf("%d-character host name rejected: %v", len(long), err)
	}
	if _, err := s.applier.Apply(testContext(t, 20*time.Second), s.snap); err != nil {
		t.Fatalf("nginx rejected a %d-character host name: %v", len(long), err)
	}
}

func TestApplyFirstFailureLeavesNoFiles(t *testing.T) {
	s := newTestSite(t)
	s.cfg.DnsmasqTestArgs = []string{"--test", "--conf-file={conf}", "--dhcp-range=not-an-address"}
	s.applier = s.newApplier(t)
	_, err := s.applier.Apply(testContext(t, 20*time.Second), s.snap)
	var te *ToolError
	if !errors.As(err, &te) || te.Tool != "dnsmasq" || !strings.Contains(te.Output, "bad dhcp-range") {
		t.Fatalf("Apply = %v, want dnsmasq's test failure with its message", err)
	}
	for _, p := range []string{s.cfg.NginxConf, s.cfg.DnsmasqConf, s.cfg.Dnsmasq.HostsFile, s.cfg.Dnsmasq.DHCPHostsFile} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was left behind by a failed first apply", p)
		}
	}
}

func TestApplyDoesNotSignalAStalePidFilesProcess(t *testing.T) {
	s := newTestSite(t)
	// The test process stands for an unrelated program that took the pid.
	if err := os.WriteFile(s.cfg.DnsmasqPidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.applier.Apply(testContext(t, 20*time.Second), s.snap); err != nil {
		t.Fatal(err) // a SIGHUP to this process would have ended the test binary
	}
}

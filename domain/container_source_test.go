package domain_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/crypto/ssh"

	"github.com/labforge/labforge/domain"
)

func TestParseContainerSource(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want domain.ContainerSource // zero: refused
	}{
		{"local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
			domain.ContainerSource{Kind: domain.SourceTemplate, Volume: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"}},
		{"nfs-store:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz",
			domain.ContainerSource{Kind: domain.SourceTemplate, Volume: "nfs-store:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz"}},
		{"docker.io/library/nginx:1.27", domain.ContainerSource{Kind: domain.SourceOCI, Image: "docker.io/library/nginx:1.27"}},
		{"nginx:1.27", domain.ContainerSource{Kind: domain.SourceOCI, Image: "docker.io/library/nginx:1.27"}},
		{"ghcr.io/acme/app:v2", domain.ContainerSource{Kind: domain.SourceOCI, Image: "ghcr.io/acme/app:v2"}},
		{"registry.example.org:5000/team/app@sha256:" + strings.Repeat("a", 64),
			domain.ContainerSource{Kind: domain.SourceOCI, Image: "registry.example.org:5000/team/app@sha256:" + strings.Repeat("a", 64)}},
		{"", domain.ContainerSource{}},
		{"nginx", domain.ContainerSource{}},                                // no tag: "latest" is not assumed
		{"docker.io/library/nginx", domain.ContainerSource{}},              // no tag
		{"Docker.io/Library/Nginx:1.27", domain.ContainerSource{}},         // upper case repository
		{"local:vztmpl/../../etc/passwd", domain.ContainerSource{}},        // path outside the template store
		{"local:vztmpl/debian.tar.zst;rm -rf /", domain.ContainerSource{}}, // shell
		{"local:vztmpl/debian.iso", domain.ContainerSource{}},              // not an archive
		{"local:iso/debian.tar.zst", domain.ContainerSource{}},             // not a CT template volume
		{"nginx:1.27\nworker_processes 64;", domain.ContainerSource{}},
		{"nginx:1.27 ", domain.ContainerSource{}},
		{"nginx:${TAG}", domain.ContainerSource{}},
		{"nginx:1.27\x00", domain.ContainerSource{}},
		{"nginx:{1}", domain.ContainerSource{}},
		{"docker.io/library/" + strings.Repeat("a", 250) + ":1", domain.ContainerSource{}},
	} {
		got, err := domain.ParseContainerSource(tc.in)
		if tc.want == (domain.ContainerSource{}) {
			if err == nil || domain.KindOf(err) != domain.KindInvalid {
				t.Errorf("ParseContainerSource(%q) = %+v, %v; want a KindInvalid error", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseContainerSource(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseContainerSource(f *testing.F) {
	for _, s := range []string{"nginx:1.27", "local:vztmpl/a.tar.zst", "a:vztmpl/b;c.tar", "x@sha256:00", "nginx:1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src, err := domain.ParseContainerSource(s)
		if err != nil {
			return
		}
		if len(s) > 255 || strings.ContainsAny(s, " ;{}\n\r\t\x00$'\"`\\") || strings.Contains(s, "/..") {
			t.Fatalf("accepted %q as %+v", s, src)
		}
	})
}

// validContainer is a container whose every field is valid.
func validContainer() domain.Container {
	return domain.Container{Hostname: "web", OwnerID: uuid.New(), SiteID: uuid.New(), Source: "docker.io/library/nginx:1.27",
		Cores: 1, MemoryMB: 512, SwapMB: 512, DiskGB: 8}
}

func sshKey(t *testing.T, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(k)), "\n") + comment
}

func TestContainerEnvAndSSHKeys(t *testing.T) {
	t.Parallel()
	key := sshKey(t, " ana@laptop")
	many := map[string]string{}
	for i := range 65 {
		many["V"+strings.Repeat("X", i)] = "1"
	}
	for _, tc := range []struct {
		name  string
		env   map[string]string
		keys  []string
		field string // "": valid
	}{
		{"plain", map[string]string{"MODE": "demo", "_X1": "a=b, c:d/e?f", "EMPTY": ""}, []string{key, sshKey(t, "")}, ""},
		{"name starting with a digit", map[string]string{"1A": "x"}, nil, "env.1A"},
		{"name with a dash", map[string]string{"A-B": "x"}, nil, "env.A-B"},
		{"name with a semicolon", map[string]string{"A;B": "x"}, nil, "env.A;B"},
		{"name too long", map[string]string{strings.Repeat("A", 129): "x"}, nil, "env." + strings.Repeat("A", 129)},
		{"semicolon", map[string]string{"A": "x; rm -rf /"}, nil, "env.A"},
		{"braces", map[string]string{"A": "}"}, nil, "env.A"},
		{"dollar", map[string]string{"A": "$HOME"}, nil, "env.A"},
		{"newline", map[string]string{"A": "x\ny"}, nil, "env.A"},
		{"NUL", map[string]string{"A": "x\x00y"}, nil, "env.A"},
		{"double quote", map[string]string{"A": `"`}, nil, "env.A"},
		{"single quote", map[string]string{"A": "'"}, nil, "env.A"},
		{"backtick", map[string]string{"A": "`id`"}, nil, "env.A"},
		{"backslash", map[string]string{"A": `\n`}, nil, "env.A"},
		{"value too long", map[string]string{"A": strings.Repeat("a", 1025)}, nil, "env.A"},
		{"too many variables", many, nil, "env"},
		{"not a key", nil, []string{"hello"}, "ssh_keys[0]"},
		{"two keys on one line", nil, []string{key, key + "\n" + key}, "ssh_keys[1]"},
		{"key with NUL", nil, []string{key + "\x00"}, "ssh_keys[0]"},
		{"key with carriage return", nil, []string{key + "\r"}, "ssh_keys[0]"},
		{"key too long", nil, []string{key + strings.Repeat("a", 16384)}, "ssh_keys[0]"},
		{"too many keys", nil, make([]string, 33), "ssh_keys"},
	} {
		c := validContainer()
		c.Env, c.SSHKeys = tc.env, tc.keys
		err := c.Validate()
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if _, ok := fieldsOf(t, err)[tc.field]; !ok {
			t.Errorf("%s: want field %q, got %v", tc.name, tc.field, err)
		}
	}
}

func TestContainerStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		state domain.GuestState
		power domain.PowerState
		want  domain.ContainerStatus
	}{
		{domain.GuestPending, domain.PowerUnknown, domain.ContainerCreating},
		{domain.GuestProvisioning, domain.PowerRunning, domain.ContainerCreating},
		{domain.GuestReady, domain.PowerRunning, domain.ContainerRunning},
		{domain.GuestReady, domain.PowerStopped, domain.ContainerStopped},
		{domain.GuestReady, domain.PowerPaused, domain.ContainerStopped},
		{domain.GuestFailed, domain.PowerUnknown, domain.ContainerFailed},
		{domain.GuestMissing, domain.PowerUnknown, domain.ContainerMissing},
		{domain.GuestDeleting, domain.PowerRunning, domain.ContainerDeleting},
		{domain.GuestDeleted, domain.PowerStopped, domain.ContainerDeleted},
	} {
		c := domain.Container{State: tc.state, Power: tc.power}
		if got := c.Status(); got != tc.want {
			t.Errorf("%s/%s: got %s, want %s", tc.state, tc.power, got, tc.want)
		}
	}
}

func TestValidateServices(t *testing.T) {
	t.Parallel()
	port := func(p int) *int { return &p }
	services := []domain.Service{
		{Protocol: domain.ServiceHTTP, InternalPort: 80, ExternalHostname: "app.apps.example.org"},
		{Protocol: domain.ServiceHTTP, InternalPort: 81, ExternalHostname: "APP.apps.example.org"},
		{Protocol: domain.ServiceHTTP, InternalPort: 82, ExternalHostname: "api.apps.example.org"},
		{Protocol: domain.ServiceTCP, InternalPort: 22, ExternalPort: port(2022)},
		{Protocol: domain.ServiceUDP, InternalPort: 22, ExternalPort: port(2022)},
		{Protocol: domain.ServiceTCP, InternalPort: 23, ExternalPort: port(2022)},
		{Protocol: domain.ServiceUDP, InternalPort: 0},
		{Protocol: domain.ServiceHTTP, InternalPort: 83, ExternalHostname: "api.apps.example.org"},
	}
	want := map[string]string{
		"services[1].external_hostname": "must be a DNS name such as app.lab.example.org", // upper case
		"services[5].external_port":     "is used by services[3] too",
		"services[6].internal_port":     "must be between 1 and 65535",
		"services[7].external_hostname": "is used by services[2] too",
	}
	got := fieldsOf(t, domain.ValidateServices(services))
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for f, msg := range want {
		if got[f] != msg {
			t.Errorf("%s: got %q, want %q", f, got[f], msg)
		}
	}
	if err := domain.ValidateServices(services[2:5]); err != nil {
		t.Errorf("TCP and UDP may share an external port: %v", err)
	}
	if _, ok := fieldsOf(t, domain.ValidateServices(make([]domain.Service, 65)))["services"]; !ok {
		t.Error("65 services accepted")
	}
}

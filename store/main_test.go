package store_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// testContext returns a context that ends with the test or after 30s.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// requireKind checks err's domain kind and, if msg is not empty, its message.
func requireKind(t *testing.T, err error, kind domain.Kind, msg string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, kind, domain.KindOf(err), "error: %v", err)
	if msg != "" {
		var de *domain.Error
		require.ErrorAs(t, err, &de)
		require.Equal(t, msg, de.Message)
	}
}

var seq atomic.Int64

// unique returns a name no other fixture uses.
func unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

func newUser(ctx context.Context, t *testing.T, db *store.DB, roles ...string) *domain.User {
	t.Helper()
	if len(roles) == 0 {
		roles = []string{domain.RoleParticipant}
	}
	name := unique("user")
	u := &domain.User{Username: name, Email: name + "@example.org", DisplayName: "User " + name,
		Source: domain.AuthLocal, Roles: roles, PasswordHash: "$argon2id$hash"}
	require.NoError(t, db.CreateUser(ctx, u))
	return u
}

func newSite(ctx context.Context, t *testing.T, db *store.DB, cidr, start, end string) *domain.Site {
	t.Helper()
	p := netip.MustParsePrefix(cidr)
	s := &domain.Site{Name: unique("site"), CIDR: p, Gateway: p.Addr().Next(),
		DHCPStart: netip.MustParseAddr(start), DHCPEnd: netip.MustParseAddr(end),
		InternalDomain: "lab.example.org", DNSForwarders: []netip.Addr{netip.MustParseAddr("9.9.9.9")},
		ExternalIP: netip.MustParseAddr("192.0.2.10"), ExternalPortFirst: domain.DefaultExternalPortFirst,
		ExternalPortLast: domain.DefaultExternalPortLast}
	require.NoError(t, db.CreateSite(ctx, s))
	return s
}

func newNode(ctx context.Context, t *testing.T, db *store.DB, cluster string) *domain.Node {
	t.Helper()
	n := &domain.Node{Name: unique("pve"), Cluster: cluster, Endpoint: "https://pve.example.org:8006",
		TokenID: "labforge@pve!labforge", TokenSecret: "s3cret", Storages: []string{"local-lvm"},
		Bridge: "vmbr0", CloneConcurrency: 2}
	require.NoError(t, db.CreateNode(ctx, n))
	return n
}

func newTemplate(ctx context.Context, t *testing.T, db *store.DB, n *domain.Node, vmid int) *domain.VMTemplate {
	t.Helper()
	tpl := &domain.VMTemplate{NodeID: n.ID, Cluster: n.Cluster, VMID: vmid, Kind: domain.GuestQEMU,
		Name: unique("tpl"), OSType: "l26", Cores: 2, MemoryMB: 2048, DiskGB: 20, Storage: "local-lvm",
		Linked: true, Status: "stopped"}
	require.NoError(t, db.UpsertTemplate(ctx, tpl))
	return tpl
}

func newEnvironment(ctx context.Context, t *testing.T, db *store.DB, owner *domain.User, tpl *domain.VMTemplate) *domain.Environment {
	t.Helper()
	e := &domain.Environment{Name: unique("env"), Description: "a lab", OwnerID: owner.ID,
		Machines: []domain.EnvironmentMachine{{TemplateID: tpl.ID, Name: "web", Count: 1, CloneMode: domain.CloneLinked,
			Connections: []domain.ConnectionTemplate{{Protocol: "ssh"}}}}}
	require.NoError(t, db.CreateEnvironment(ctx, e))
	return e
}

func newEvent(ctx context.Context, t *testing.T, db *store.DB, owner *domain.User, env *domain.Environment) *domain.Event {
	t.Helper()
	start := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	end, lead, transition := start.Add(4*time.Hour), 30*time.Minute, 48*time.Hour
	e := &domain.Event{Name: unique("event"), ShortName: shortName(), EnvironmentID: env.ID, OwnerID: owner.ID,
		StartsAt: start, EndsAt: &end, LeadTime: &lead, TransitionPeriod: &transition}
	require.NoError(t, db.CreateEvent(ctx, e))
	return e
}

func newVM(ctx context.Context, t *testing.T, db *store.DB, owner *domain.User, tpl *domain.VMTemplate) *domain.VM {
	t.Helper()
	vm := &domain.VM{Name: unique("vm"), OwnerID: owner.ID, TemplateID: tpl.ID, Cluster: tpl.Cluster, Cores: 2, MemoryMB: 2048}
	require.NoError(t, db.CreateVM(ctx, vm))
	return vm
}

func newContainer(ctx context.Context, t *testing.T, db *store.DB, owner *domain.User, site *domain.Site) *domain.Container {
	t.Helper()
	c := &domain.Container{Hostname: unique("ct"), OwnerID: owner.ID, SiteID: site.ID, Cluster: "lab",
		Source: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", Cores: 1, MemoryMB: 512, DiskGB: 8}
	require.NoError(t, db.CreateContainer(ctx, c))
	return c
}

func newService(ctx context.Context, t *testing.T, db *store.DB, c *domain.Container, proto domain.ServiceProtocol, port int) *domain.Service {
	t.Helper()
	s := &domain.Service{ContainerID: c.ID, Protocol: proto, InternalPort: port}
	if proto == domain.ServiceHTTP {
		s.ExternalHostname = unique("app") + ".lab.example.org"
	}
	require.NoError(t, db.CreateService(ctx, s))
	return s
}

func ptr[T any](v T) *T { return &v }

func id() uuid.UUID { return uuid.New() }

func itoa(i int) string { return fmt.Sprint(i) }

// shortName returns an event short name no other test uses.
func shortName() string { return "t" + strings.ReplaceAll(uuid.NewString(), "-", "")[:7] }

// requireField checks that err is a domain error naming field.
func requireField(t *testing.T, err error, field string) {
	t.Helper()
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Contains(t, de.Fields, field, "error: %v", err)
}

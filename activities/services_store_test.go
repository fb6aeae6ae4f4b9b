package activities

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/store"
	"github.com/labforge/labforge/store/storetest"
)

// eventRows are an event with one participant's VM in a fresh PostgreSQL
// database, for the Guacamole and Moodle activities' bookkeeping.
type eventRows struct {
	db          *store.DB
	event       *domain.Event
	participant *domain.User
	vm          *domain.VM
}

func newEventRows(ctx context.Context, t *testing.T) eventRows {
	t.Helper()
	db := storetest.New(t)
	user := func(name string, role string) *domain.User {
		u := &domain.User{Username: name, Email: name + "@example.org", DisplayName: name, Source: domain.AuthLocal,
			Roles: []string{role}, PasswordHash: "$argon2id$hash"}
		require.NoError(t, db.CreateUser(ctx, u))
		return u
	}
	owner, ann := user("tess", domain.RoleInstructor), user("ann", domain.RoleParticipant)
	n := &domain.Node{Name: "pve1", Cluster: "lab", Endpoint: "https://pve.example.org:8006", TokenID: "labforge@pve!labforge",
		TokenSecret: "s3cret", Storages: []string{"local-lvm"}, Bridge: "vmbr0", CloneConcurrency: 2}
	require.NoError(t, db.CreateNode(ctx, n))
	tpl := &domain.VMTemplate{NodeID: n.ID, Cluster: "lab", VMID: 9000, Kind: domain.GuestQEMU, Name: "debian", Cores: 2,
		MemoryMB: 2048, Storage: "local-lvm", Linked: true, Status: "stopped"}
	require.NoError(t, db.UpsertTemplate(ctx, tpl))
	env := &domain.Environment{Name: "Networking", OwnerID: owner.ID, Machines: []domain.EnvironmentMachine{{TemplateID: tpl.ID,
		Name: "router", Count: 1, CloneMode: domain.CloneLinked, Connections: []domain.ConnectionTemplate{{Protocol: "ssh"}}}}}
	require.NoError(t, db.CreateEnvironment(ctx, env))
	start := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	ev := &domain.Event{Name: "Networking 101", ShortName: "net101", EnvironmentID: env.ID, OwnerID: owner.ID, StartsAt: start}
	require.NoError(t, db.CreateEvent(ctx, ev))
	vm := &domain.VM{Name: "net101-ann-router", OwnerID: ann.ID, TemplateID: tpl.ID, Cluster: "lab", Cores: 2, MemoryMB: 2048}
	require.NoError(t, db.CreateVM(ctx, vm))
	return eventRows{db: db, event: ev, participant: ann, vm: vm}
}

// TestGuacamoleAndMoodleBookkeepingInPostgreSQL runs the activities with
// the real store: the connection's Guacamole identifier and the course id
// are where revocation, teardown and the later phases find them.
func TestGuacamoleAndMoodleBookkeepingInPostgreSQL(t *testing.T) {
	t.Parallel()
	g, m := newGuacFixture(t), newMoodleFixture(t)
	rows := newEventRows(g.ctx, t)
	g.act.Store, m.act.Store = rows.db, rows.db

	in := g.input(rows.event.ID, rows.participant.Username)
	in.UserID, in.VMID = rows.participant.ID, rows.vm.ID
	made, err := g.act.EnsureConnection(g.ctx, in)
	require.NoError(t, err)
	conns, err := rows.db.ListEventConnections(g.ctx, rows.event.ID, &rows.participant.ID)
	require.NoError(t, err)
	require.Len(t, conns, 1)
	require.Equal(t, made.ConnectionID, conns[0].GuacamoleID)
	require.Equal(t, domain.ConnectionActive, conns[0].State)

	res, err := g.act.RevokeConnections(g.ctx, EventConnectionsInput{EventID: rows.event.ID, UserID: &rows.participant.ID})
	require.NoError(t, err)
	require.Equal(t, 1, res.Changed)
	conns, err = rows.db.ListEventConnections(g.ctx, rows.event.ID, nil)
	require.NoError(t, err)
	require.Equal(t, domain.ConnectionRevoked, conns[0].State)
	sees, _ := g.sim.Permissions(rows.participant.Username)
	require.Empty(t, sees)

	course, err := m.act.CopyEventCourse(m.ctx, CopyEventCourseInput{EventID: rows.event.ID, EventName: rows.event.Name,
		ShortName: rows.event.ShortName, TemplateCourseID: moodleTemplateID})
	require.NoError(t, err)
	stored, err := rows.db.EventMoodleCourse(m.ctx, rows.event.ID)
	require.NoError(t, err)
	require.Equal(t, course.CourseID, stored)
	_, err = m.act.CopyEventCourse(m.ctx, CopyEventCourseInput{EventID: uuid.New(), EventName: "ghost", ShortName: "ghost",
		TemplateCourseID: moodleTemplateID})
	require.True(t, HasErrorType(err, ErrTypeNotFound), "an unknown event: %v", err)
}

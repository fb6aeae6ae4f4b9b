package activities

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/breaker"
	"github.com/labforge/labforge/internal/guacamole"
	"github.com/labforge/labforge/internal/secrets"
	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
)

// guacFixture is the Guacamole activities against the simulator, with an
// in-memory connection store and a keyring.
type guacFixture struct {
	ctx   context.Context
	sim   *guacsim.Server
	store *memEventServices
	keys  *secrets.Keyring
	act   *Guacamole
}

func newGuacFixture(t *testing.T) *guacFixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	sim := guacsim.New(guacsim.Config{RandomSeed: 7})
	t.Cleanup(sim.Close)
	user, pw := sim.AdminCredentials()
	c, err := guacamole.New(guacamole.Config{URL: sim.URL(), Username: user, Password: pw, Timeout: 2 * time.Second,
		Breaker: breaker.Settings{FailuresToTrip: 100}})
	require.NoError(t, err)
	key, err := secrets.NewKey("k1", make([]byte, 32))
	require.NoError(t, err)
	keys, err := secrets.NewKeyring(key)
	require.NoError(t, err)
	st := newMemEventServices()
	return &guacFixture{ctx: ctx, sim: sim, store: st, keys: keys, act: &Guacamole{Client: c, Keyring: keys, Store: st}}
}

// input is the SSH connection of username to a fresh VM of event.
func (f *guacFixture) input(event uuid.UUID, username string) EnsureConnectionInput {
	return EnsureConnectionInput{EventID: event, EventName: "Networking 101", UserID: uuid.New(), Username: username,
		VMID: uuid.New(), Machine: "router", Index: 0, TemplatePosition: 0, IPv4: "10.20.0.5",
		Template: domain.ConnectionTemplate{Protocol: "ssh", Username: "student", Password: f.keys.Seal("s3cret!")}}
}

func TestEnsureConnectionIsIdempotentAndGrantsTheParticipantOnly(t *testing.T) {
	t.Parallel()
	f := newGuacFixture(t)
	event := uuid.New()
	ann, bob := f.input(event, "ann"), f.input(event, "bob")

	first, err := f.act.EnsureConnection(f.ctx, ann)
	require.NoError(t, err)
	require.False(t, first.Skipped)
	again, err := f.act.EnsureConnection(f.ctx, ann)
	require.NoError(t, err)
	require.Equal(t, first.ConnectionID, again.ConnectionID, "a retry finds the connection it made")
	_, err = f.act.EnsureConnection(f.ctx, bob)
	require.NoError(t, err)

	conns := f.sim.Connections()
	require.Len(t, conns, 2, "one connection per participant, VM and template")
	var annConn guacsim.Connection
	for _, c := range conns {
		if c.Identifier == first.ConnectionID {
			annConn = c
		}
	}
	require.Equal(t, ConnectionName(ann), annConn.Name)
	require.Contains(t, annConn.Name, "Networking 101")
	require.Contains(t, annConn.Name, "router")
	require.Equal(t, map[string]string{"hostname": "10.20.0.5", "port": "22", "username": "student", "password": "s3cret!"},
		annConn.Parameters, "the password is opened from its sealed secret")

	annSees, ok := f.sim.Permissions("ann")
	require.True(t, ok, "the participant's Guacamole user is made")
	require.Equal(t, []string{first.ConnectionID}, annSees, "each participant sees only their own connection")
	bobSees, _ := f.sim.Permissions("bob")
	require.Len(t, bobSees, 1)
	require.NotEqual(t, first.ConnectionID, bobSees[0])

	recs, err := f.store.ListEventConnections(f.ctx, event, nil)
	require.NoError(t, err)
	require.Len(t, recs, 2)
	require.Equal(t, domain.ConnectionActive, recs[0].State)
}

func TestRevokeAndDeleteConnections(t *testing.T) {
	t.Parallel()
	f := newGuacFixture(t)
	event := uuid.New()
	ann, bob := f.input(event, "ann"), f.input(event, "bob")
	for _, in := range []EnsureConnectionInput{ann, bob} {
		_, err := f.act.EnsureConnection(f.ctx, in)
		require.NoError(t, err)
	}

	// One participant leaves: only theirs is revoked.
	res, err := f.act.RevokeConnections(f.ctx, EventConnectionsInput{EventID: event, UserID: &bob.UserID})
	require.NoError(t, err)
	require.Equal(t, 1, res.Changed)
	bobSees, _ := f.sim.Permissions("bob")
	require.Empty(t, bobSees)
	annSees, _ := f.sim.Permissions("ann")
	require.Len(t, annSees, 1)

	// The end of the event: the rest are revoked, a second run changes nothing.
	res, err = f.act.RevokeConnections(f.ctx, EventConnectionsInput{EventID: event})
	require.NoError(t, err)
	require.Equal(t, 1, res.Changed)
	res, err = f.act.RevokeConnections(f.ctx, EventConnectionsInput{EventID: event})
	require.NoError(t, err)
	require.Zero(t, res.Changed)
	annSees, _ = f.sim.Permissions("ann")
	require.Empty(t, annSees)
	require.Len(t, f.sim.Connections(), 2, "revoked connections stay until teardown")

	res, err = f.act.DeleteConnections(f.ctx, EventConnectionsInput{EventID: event})
	require.NoError(t, err)
	require.Equal(t, 2, res.Changed)
	require.Empty(t, f.sim.Connections())
	res, err = f.act.DeleteConnections(f.ctx, EventConnectionsInput{EventID: event})
	require.NoError(t, err)
	require.Zero(t, res.Changed, "deleting again is a no-op")
}

func TestGuacamoleDownIsRetryableAndBadInputIsNot(t *testing.T) {
	t.Parallel()
	f := newGuacFixture(t)
	in := f.input(uuid.New(), "ann")
	require.NoError(t, f.sim.SetDown(guacsim.Unavailable))
	_, err := f.act.EnsureConnection(f.ctx, in)
	require.True(t, HasErrorType(err, ErrTypeGuacamoleUnavailable), "err = %v", err)
	requireRetryable(t, err, true)

	require.NoError(t, f.sim.SetDown(guacsim.Up))
	res, err := f.act.EnsureConnection(f.ctx, in)
	require.NoError(t, err, "the retry after the outage succeeds")
	require.NotEmpty(t, res.ConnectionID)

	noAddr := f.input(uuid.New(), "bob")
	noAddr.IPv4 = ""
	_, err = f.act.EnsureConnection(f.ctx, noAddr)
	require.True(t, HasErrorType(err, ErrTypeInvalid), "err = %v", err)
	requireRetryable(t, err, false)

	other, err := secrets.NewKey("k2", make([]byte, 32))
	require.NoError(t, err)
	otherRing, err := secrets.NewKeyring(other)
	require.NoError(t, err)
	foreign := f.input(uuid.New(), "bob")
	foreign.Template.Password = otherRing.Seal("x")
	_, err = f.act.EnsureConnection(f.ctx, foreign)
	require.True(t, HasErrorType(err, ErrTypeInvalid), "a password sealed under an unknown key: %v", err)
	require.NotContains(t, err.Error(), "s3cret!")
}

func TestGuacamoleNotConfiguredSkips(t *testing.T) {
	t.Parallel()
	a := &Guacamole{Store: newMemEventServices()}
	ctx := context.Background()
	res, err := a.EnsureConnection(ctx, EnsureConnectionInput{})
	require.NoError(t, err)
	require.True(t, res.Skipped)
	rev, err := a.RevokeConnections(ctx, EventConnectionsInput{EventID: uuid.New()})
	require.NoError(t, err)
	require.True(t, rev.Skipped)
	del, err := a.DeleteConnections(ctx, EventConnectionsInput{EventID: uuid.New()})
	require.NoError(t, err)
	require.True(t, del.Skipped)
}

// requireRetryable checks whether err is a retryable application error.
func requireRetryable(t *testing.T, err error, retryable bool) {
	t.Helper()
	var ae *temporal.ApplicationError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, !retryable, ae.NonRetryable(), "err = %v", err)
}

// TestGuacamoleBreakerOpenIsRetryable: once Guacamole's breaker opens,
// calls fail at once, still as GuacamoleUnavailable, so workflows wait.
func TestGuacamoleBreakerOpenIsRetryable(t *testing.T) {
	t.Parallel()
	f := newGuacFixture(t)
	user, pw := f.sim.AdminCredentials()
	c, err := guacamole.New(guacamole.Config{URL: f.sim.URL(), Username: user, Password: pw, Timeout: 2 * time.Second,
		Breaker: breaker.Settings{FailuresToTrip: 1, OpenTimeout: time.Hour}})
	require.NoError(t, err)
	f.act.Client = c
	require.NoError(t, f.sim.SetDown(guacsim.Refused))
	in := f.input(uuid.New(), "ann")
	_, err = f.act.EnsureConnection(f.ctx, in)
	require.True(t, HasErrorType(err, ErrTypeGuacamoleUnavailable), "err = %v", err)
	require.Equal(t, breaker.Open, c.BreakerState())
	require.NoError(t, f.sim.SetDown(guacsim.Up))
	_, err = f.act.EnsureConnection(f.ctx, in)
	require.True(t, HasErrorType(err, ErrTypeGuacamoleUnavailable), "breaker open: %v", err)
	requireRetryable(t, err, true)
}

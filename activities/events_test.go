package activities

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	fakes "github.com/labforge/labforge/internal/mock"
)

func TestEventVMNameIsADNSLabel(t *testing.T) {
	for _, c := range []struct{ short, user, machine, want string }{
		{"lin101", "alice", "web", "lin101-alice-web-1"},
		{"lin_01", "Bob.Smith@example.org", "dc1", "lin-01-bob-smith-example-or-dc1-1"},
		{"abcd", "--", "m", "abcd-user-m-1"},
	} {
		got := EventVMName(c.short, c.user, c.machine, 0)
		require.Equal(t, c.want, got)
		require.True(t, domain.ValidHostname(got), got)
	}
}

func TestCreateEventVMIsIdempotentAndFillsTheTemplate(t *testing.T) {
	ctx := context.Background()
	tpl := &domain.VMTemplate{ID: uuid.New(), Cluster: "lab", Cores: 2, MemoryMB: 2048}
	created := map[uuid.UUID]*domain.VM{}
	vms := &fakes.VMStore{
		FindVMFn: func(_ context.Context, id uuid.UUID) (*domain.VM, error) {
			if vm, ok := created[id]; ok {
				return vm, nil
			}
			return nil, domain.NotFoundf("vm %s", id)
		},
		CreateVMWithOwnerFn: func(_ context.Context, vm *domain.VM, creator uuid.UUID) error {
			require.NoError(t, vm.Validate())
			created[vm.ID] = vm
			return nil
		},
	}
	tpls := &fakes.TemplateStore{FindTemplateFn: func(context.Context, uuid.UUID) (*domain.VMTemplate, error) { return tpl, nil }}
	a := &Events{Events: &fakes.EventStore{}, VMs: vms, Templates: tpls}
	req := EventVMRequest{VM: uuid.New(), Event: uuid.New(), ShortName: "lin101", Creator: uuid.New(), User: uuid.New(),
		Username: "alice", Machine: EventMachine{Name: "web", TemplateID: tpl.ID, Count: 1, CloneMode: domain.CloneLinked, MemoryMB: 4096}}
	require.NoError(t, a.CreateEventVM(ctx, req))
	require.NoError(t, a.CreateEventVM(ctx, req), "a retry finds the record")
	require.Len(t, created, 1)
	vm := created[req.VM]
	require.Equal(t, "lin101-alice-web-1", vm.Name)
	require.Equal(t, req.User, vm.OwnerID)
	require.Equal(t, req.Event, *vm.EventID)
	require.Equal(t, "lab", vm.Cluster)
	require.True(t, vm.Linked)
	require.Equal(t, 2, vm.Cores)
	require.Equal(t, 4096, vm.MemoryMB)
}

func TestStoreEventScheduleKeepsWhatDidNotChange(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	end := start.Add(8 * time.Hour)
	stored := &domain.Event{ID: uuid.New(), StartsAt: start, EndsAt: &end}
	var saved *domain.Event
	events := &fakes.EventStore{
		FindEventFn:   func(context.Context, uuid.UUID) (*domain.Event, error) { e := *stored; return &e, nil },
		UpdateEventFn: func(_ context.Context, e *domain.Event) error { saved = e; return nil },
	}
	a := &Events{Events: events, VMs: &fakes.VMStore{}, Templates: &fakes.TemplateStore{}}
	transition := time.Hour
	require.NoError(t, a.StoreEventSchedule(context.Background(), EventScheduleChange{Event: stored.ID, TransitionPeriod: &transition}))
	require.Equal(t, start, saved.StartsAt)
	require.Equal(t, end, *saved.EndsAt)
	require.Nil(t, saved.LeadTime, "an unchanged lead time stays the configured default")
	require.Equal(t, time.Hour, *saved.TransitionPeriod)

	require.NoError(t, a.StoreEventSchedule(context.Background(), EventScheduleChange{Event: stored.ID, ClearEnd: true}))
	require.Nil(t, saved.EndsAt)
}

package activities

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/labforge/labforge/domain"
)

// memTimeline is an in-memory domain.EventActivityLog that, like the
// MongoDB one, stores an id once.
type memTimeline struct {
	mu      sync.Mutex
	entries []domain.EventActivity
}

func (m *memTimeline) RecordEventActivity(_ context.Context, a *domain.EventActivity) error {
	if err := a.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.entries {
		if e.ID == a.ID {
			return nil
		}
	}
	m.entries = append(m.entries, *a)
	return nil
}

func (m *memTimeline) ListEventActivity(context.Context, domain.EventActivityFilter) ([]domain.EventActivity, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]domain.EventActivity(nil), m.entries...), "", nil
}

// TestRecordEventActivity: the lifecycle workflow's entries get a stable
// id and the platform as actor; an invalid entry fails without retry.
func TestRecordEventActivity(t *testing.T) {
	log := &memTimeline{}
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	set := stubSet()
	set.Timeline = &EventTimeline{Log: log}
	registerQueues(t, env, set, QueueCore)

	event := uuid.New()
	_, err := env.ExecuteActivity("RecordEventActivity", domain.EventActivity{EventID: event,
		Kind: domain.EventActivityStateChanged, Message: "deploying", Details: map[string]any{"to": "deploying"}})
	require.NoError(t, err)
	require.Len(t, log.entries, 1)
	require.NotEmpty(t, log.entries[0].ID)
	require.Equal(t, "labforge", log.entries[0].Actor)

	_, err = env.ExecuteActivity("RecordEventActivity", domain.EventActivity{Kind: domain.EventActivityItemReady})
	require.ErrorContains(t, err, "event_id")
}

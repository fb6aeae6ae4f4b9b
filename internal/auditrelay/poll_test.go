package auditrelay_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auditrelay"
	"github.com/labforge/labforge/store"
)

// deafOutbox is an outbox whose notifications PostgreSQL refuses: records
// can only be found by looking.
type deafOutbox struct {
	mu      sync.Mutex
	pending []domain.AuditRecord
}

func (o *deafOutbox) add(action string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending = append(o.pending, domain.AuditRecord{ID: action, Action: action})
}

func (o *deafOutbox) DrainAuditOutbox(ctx context.Context, limit int, deliver store.AuditDelivery) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	batch := o.pending[:min(limit, len(o.pending))]
	if len(batch) == 0 {
		return 0, nil
	}
	if _, err := deliver(ctx, batch); err != nil {
		return 0, err
	}
	o.pending = o.pending[len(batch):]
	return len(batch), nil
}

func (o *deafOutbox) AuditOutboxBacklog(context.Context) (int64, int64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return int64(len(o.pending)), 0, nil
}

func (o *deafOutbox) Listen(context.Context, string, func(string), func()) error {
	return errors.New("PostgreSQL refused to LISTEN")
}

// memoryLog keeps what it is given.
type memoryLog struct {
	mu      sync.Mutex
	actions []string
}

func (l *memoryLog) AppendAudit(_ context.Context, recs []domain.AuditRecord) (map[string]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range recs {
		l.actions = append(l.actions, r.Action)
	}
	return nil, nil
}

func (l *memoryLog) got() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.actions...)
}

// TestRelayPollsWithoutNotifications keeps relaying, every poll interval,
// when PostgreSQL refuses to announce records.
func TestRelayPollsWithoutNotifications(t *testing.T) {
	t.Parallel()
	outbox, log := &deafOutbox{}, &memoryLog{}
	outbox.add("first")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&auditrelay.Relay{Outbox: outbox, Log: log, Batch: 1, Poll: 50 * time.Millisecond}).Run(ctx)
	}()
	require.Eventually(t, func() bool { return len(log.got()) == 1 }, 5*time.Second, 10*time.Millisecond)
	outbox.add("second")
	outbox.add("third")
	require.Eventually(t, func() bool { return len(log.got()) == 3 }, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, []string{"first", "second", "third"}, log.got())
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

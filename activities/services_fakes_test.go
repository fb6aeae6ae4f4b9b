package activities

import (
	"context"
	"slices"
	"sync"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// memEventServices is an in-memory EventConnectionStore and
// EventCourseStore, for the Guacamole and Moodle activity tests (the
// PostgreSQL ones are tested in store).
type memEventServices struct {
	mu      sync.Mutex
	conns   []domain.EventConnection
	courses map[uuid.UUID]int
}

func newMemEventServices() *memEventServices {
	return &memEventServices{courses: map[uuid.UUID]int{}}
}

func (m *memEventServices) RecordEventConnection(_ context.Context, c *domain.EventConnection) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, old := range m.conns {
		if old.EventID == c.EventID && old.VMID == c.VMID && old.TemplatePosition == c.TemplatePosition {
			m.conns[i] = *c
			return nil
		}
	}
	m.conns = append(m.conns, *c)
	return nil
}

func (m *memEventServices) ListEventConnections(_ context.Context, eventID uuid.UUID, userID *uuid.UUID) ([]domain.EventConnection, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []domain.EventConnection
	for _, c := range m.conns {
		if c.EventID == eventID && (userID == nil || c.UserID == *userID) {
			out = append(out, c)
		}
	}
	return slices.Clone(out), nil
}

func (m *memEventServices) SetEventConnectionState(_ context.Context, eventID, vmID uuid.UUID, position int, state domain.EventConnectionState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, c := range m.conns {
		if c.EventID == eventID && c.VMID == vmID && c.TemplatePosition == position {
			m.conns[i].State = state
			return nil
		}
	}
	return domain.Errorf(domain.KindNotFound, "event connection not found")
}

func (m *memEventServices) SetEventMoodleCourse(_ context.Context, eventID uuid.UUID, courseID int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.courses[eventID] = courseID
	return nil
}

func (m *memEventServices) EventMoodleCourse(_ context.Context, eventID uuid.UUID) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.courses[eventID], nil
}

package activities

import (
	"context"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// EnvironmentSnapshots reads the environment an event snapshotted when it
// deployed (domain.EventStore has it).
type EnvironmentSnapshots interface {
	EnvironmentSnapshot(ctx context.Context, eventID uuid.UUID) (*domain.Environment, error)
}

// EventCoursePlan is what an event does in Moodle: Enabled says Moodle is
// configured and the event's environment snapshot names a template course
// (TemplateCourseID) to copy; DeleteCourse says the course is deleted at
// the event's teardown rather than left hidden.
type EventCoursePlan struct {
	Enabled          bool `json:"enabled"`
	TemplateCourseID int  `json:"template_course_id,omitempty"`
	DeleteCourse     bool `json:"delete_course,omitempty"`
}

// PlanEventCourse reads whether and how the event keeps a Moodle course,
// from the configuration and its environment snapshot (taken when the
// event deploys). An event without a snapshot yet, or whose environment
// names no template course, has none; so has every event while Moodle is
// not configured.
func (a *Moodle) PlanEventCourse(ctx context.Context, eventID uuid.UUID) (EventCoursePlan, error) {
	if !a.configured("PlanEventCourse") || a.Snapshots == nil {
		return EventCoursePlan{}, nil
	}
	env, err := a.Snapshots.EnvironmentSnapshot(ctx, eventID)
	if err != nil {
		return EventCoursePlan{}, classify(err)
	}
	if env == nil || env.MoodleTemplateCourse == 0 {
		return EventCoursePlan{}, nil
	}
	return EventCoursePlan{Enabled: true, TemplateCourseID: env.MoodleTemplateCourse, DeleteCourse: a.DeleteCourses}, nil
}

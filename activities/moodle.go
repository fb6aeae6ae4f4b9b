package activities

import (
	"context"
	"errors"
	"log/slog"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/moodle"
)

// MoodleClient is what the Moodle activities need of internal/moodle.Client.
type MoodleClient interface {
	CourseByField(ctx context.Context, field, value string) ([]moodle.Course, error)
	CopyCourse(ctx context.Context, courseID int, fullname, shortname string, categoryID int, visible bool) (moodle.Course, error)
	UpdateCourseVisibility(ctx context.Context, courseID int, visible bool) error
	DeleteCourses(ctx context.Context, courseIDs ...int) error
	EnsureUsers(ctx context.Context, users []moodle.NewUser) (map[string]int, error)
	UsersByField(ctx context.Context, field string, values ...string) ([]moodle.User, error)
	Enrol(ctx context.Context, courseID int, enrolments []moodle.Enrolment) error
	Unenrol(ctx context.Context, courseID int, userIDs ...int) error
}

var _ MoodleClient = (*moodle.Client)(nil)

// Moodle copies an event's course from its environment's template course,
// creates and enrols its users, unenrols, hides and deletes (queue core).
// Moodle is optional: with Client nil (LABFORGE_MOODLE_URL empty) every
// activity returns a result with Skipped set and does nothing, never an
// error; so does an activity on the course of an event that has none (its
// environment names no template course).
type Moodle struct {
	// Client talks to the Moodle site; nil when it is not configured.
	Client MoodleClient
	// Store keeps the id of each event's course.
	Store domain.EventCourseStore
	// Snapshots reads the events' environment snapshots (EventCoursePlan);
	// nil answers that no event has a course.
	Snapshots EnvironmentSnapshots
	// DeleteCourses deletes an event's course at its teardown
	// (LABFORGE_MOODLE_DELETE_COURSES); without it the course stays hidden.
	DeleteCourses bool
	// UserAuth is the authentication plugin of the users EnsureMoodleUsers
	// creates when its input names none (LABFORGE_MOODLE_USER_AUTH);
	// empty is "manual".
	UserAuth string
	Logger   *slog.Logger
}

func (a *Moodle) validate() error {
	if a.Store == nil {
		return errors.New("the Moodle activities need an event course store")
	}
	return nil
}

// SkippedMoodle is logged when a Moodle activity is skipped.
const SkippedMoodle = "skipped: Moodle is not configured"

// MoodleResult is what a Moodle activity did. Skipped is set, and nothing
// done, when Moodle is not configured or the event has no course;
// CourseID is the event's course; Count the users it concerned.
type MoodleResult struct {
	Skipped  bool `json:"skipped,omitempty"`
	CourseID int  `json:"course_id,omitempty"`
	Count    int  `json:"count,omitempty"`
}

// MoodleCourseInput names an event's course: CourseID, or the one stored
// for EventID when CourseID is 0.
type MoodleCourseInput struct {
	EventID  uuid.UUID
	CourseID int
}

// configured reports whether Moodle is on, logging the skip of op when not.
func (a *Moodle) configured(op string) bool {
	if a.Client == nil {
		logger(a.Logger).Debug(SkippedMoodle, slog.String("activity", op))
		return false
	}
	return true
}

// course resolves in's course id: in.CourseID, or the stored one; 0 when
// the event has none.
func (a *Moodle) course(ctx context.Context, in MoodleCourseInput) (int, error) {
	if in.CourseID != 0 {
		return in.CourseID, nil
	}
	id, err := a.Store.EventMoodleCourse(ctx, in.EventID)
	return id, classify(err)
}

// log is the activities' logger with the event and course.
func (a *Moodle) log(in MoodleCourseInput, course int) *slog.Logger {
	return logger(a.Logger).With(slog.String("event_id", in.EventID.String()), slog.Int("course_id", course))
}

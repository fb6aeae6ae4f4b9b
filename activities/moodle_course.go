package activities

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/moodle"
)

// CopyEventCourseInput asks for an event's course: a copy of
// TemplateCourseID named after the event, in the template's category.
type CopyEventCourseInput struct {
	EventID          uuid.UUID
	EventName        string
	ShortName        string
	TemplateCourseID int
}

// EventCourseShortname is the Moodle short name of an event's course: the
// event's short name and the start of its id, since short names are reused
// once an event is decommissioned while Moodle's must stay unique.
func EventCourseShortname(eventShortName string, eventID uuid.UUID) string {
	return "labforge-" + eventShortName + "-" + eventID.String()[:8]
}

// CopyEventCourse copies the template course (activities, blocks and
// filters, no users) into the event's course, visible, and stores its id.
// It is idempotent: the course stored for the event, or one with the
// event's short name (a copy a timed-out attempt finished anyway), is
// returned instead of a second copy. A template id of 0 skips; an unknown
// template is MoodleNotFound.
func (a *Moodle) CopyEventCourse(ctx context.Context, in CopyEventCourseInput) (MoodleResult, error) {
	if !a.configured("CopyEventCourse") || in.TemplateCourseID == 0 {
		return MoodleResult{Skipped: true}, nil
	}
	if in.EventID == uuid.Nil || in.EventName == "" || in.ShortName == "" {
		return MoodleResult{}, classify(domain.Errorf(domain.KindInvalid, "a course copy needs the event's id, name and short name"))
	}
	if stored, err := a.course(ctx, MoodleCourseInput{EventID: in.EventID}); err != nil || stored != 0 {
		return MoodleResult{CourseID: stored}, err
	}
	tmpl, err := a.Client.CourseByField(ctx, moodle.CourseFieldID, strconv.Itoa(in.TemplateCourseID))
	if err != nil {
		return MoodleResult{}, classifyMoodle(err)
	}
	if len(tmpl) == 0 {
		return MoodleResult{}, classifyMoodle(&moodle.Error{Kind: moodle.NotFound, Op: "CopyEventCourse",
			Message: "template course " + strconv.Itoa(in.TemplateCourseID) + " does not exist"})
	}
	course, err := a.Client.CopyCourse(ctx, in.TemplateCourseID, in.EventName, EventCourseShortname(in.ShortName, in.EventID),
		tmpl[0].CategoryID, true)
	if err != nil {
		return MoodleResult{}, classifyMoodle(err)
	}
	if err := a.Store.SetEventMoodleCourse(ctx, in.EventID, course.ID); err != nil {
		return MoodleResult{}, classify(err)
	}
	a.log(MoodleCourseInput{EventID: in.EventID}, course.ID).Info("Moodle course copied",
		slog.Int("template_course_id", in.TemplateCourseID), slog.String("shortname", course.Shortname))
	return MoodleResult{CourseID: course.ID}, nil
}

// HideMoodleCourse hides the event's course from its students (at the
// end of the event). Hiding a hidden course is harmless.
func (a *Moodle) HideMoodleCourse(ctx context.Context, in MoodleCourseInput) (MoodleResult, error) {
	if !a.configured("HideMoodleCourse") {
		return MoodleResult{Skipped: true}, nil
	}
	course, err := a.course(ctx, in)
	if err != nil || course == 0 {
		return MoodleResult{Skipped: err == nil}, err
	}
	if err := a.Client.UpdateCourseVisibility(ctx, course, false); err != nil {
		return MoodleResult{}, classifyMoodle(err)
	}
	a.log(in, course).Info("Moodle course hidden")
	return MoodleResult{CourseID: course}, nil
}

// DeleteMoodleCourse deletes the event's course and forgets its id. A
// course Moodle no longer has is deleted already.
func (a *Moodle) DeleteMoodleCourse(ctx context.Context, in MoodleCourseInput) (MoodleResult, error) {
	if !a.configured("DeleteMoodleCourse") {
		return MoodleResult{Skipped: true}, nil
	}
	course, err := a.course(ctx, in)
	if err != nil || course == 0 {
		return MoodleResult{Skipped: err == nil}, err
	}
	if err := a.Client.DeleteCourses(ctx, course); err != nil && !errors.Is(err, moodle.NotFound) {
		return MoodleResult{}, classifyMoodle(err)
	}
	if err := a.Store.SetEventMoodleCourse(ctx, in.EventID, 0); err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return MoodleResult{}, classify(err)
	}
	a.log(in, course).Info("Moodle course deleted")
	return MoodleResult{CourseID: course}, nil
}

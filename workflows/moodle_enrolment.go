package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

var (
	// moodleSpec: one Moodle call. An unreachable site (MoodleUnavailable,
	// breaker open) is retried with backoff for about a day (720 attempts,
	// two minutes apart at most), so an outage makes the step wait and
	// finish when the site returns; anything else Moodle refuses goes to
	// the operator at once, as does an outage that outlasts the retries.
	moodleSpec = activitySpec{startToClose: 2 * time.Minute, retry: outageRetry}
	// moodleCopySpec: the course copy, which Moodle does while the call
	// waits (LABFORGE_MOODLE_DUPLICATE_TIMEOUT, at most two hours).
	moodleCopySpec = activitySpec{startToClose: 2*time.Hour + time.Minute, retry: outageRetry}
	// outageRetry retries a call to an external service (Moodle,
	// Guacamole) through an outage of about a day.
	outageRetry = &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
		MaximumInterval: 2 * time.Minute, MaximumAttempts: 720}
	// eventIDKey is the LabforgeEventId search attribute.
	eventIDKey = temporal.NewSearchAttributeKeyKeyword(temporalx.SearchAttrEventID)
)

// MoodleEnrolment runs one phase of an event's course (see MoodlePhase).
// Its steps follow the VM workflows' rules: classified errors, progress
// in the progress query, LabforgeState and the operation record, and the
// operator signal when a step fails for good. Every step is idempotent, so
// a phase may run again.
func MoodleEnrolment(ctx workflow.Context, in MoodleEnrolmentInput) (MoodleEnrolmentResult, error) {
	wf := &moodleEnrolment{in: in, progress: progress{operationID: in.OperationID}}
	if err := wf.setup(ctx); err != nil {
		return MoodleEnrolmentResult{}, err
	}
	wf.op = newOperator(ctx, &wf.progress)
	if err := workflow.UpsertTypedSearchAttributes(ctx, eventIDKey.ValueSet(in.EventID.String())); err != nil {
		return MoodleEnrolmentResult{}, err
	}
	err := wf.run(ctx)
	if err != nil {
		if IsAborted(err) {
			_ = wf.report(ctx, domain.OpAborted, "aborted", failureMessage(err), nil)
		}
		return wf.res, err
	}
	return wf.res, wf.report(ctx, domain.OpCompleted, "done", "", nil)
}

type moodleEnrolment struct {
	in MoodleEnrolmentInput
	progress
	op  *operator
	res MoodleEnrolmentResult
}

func (wf *moodleEnrolment) run(ctx workflow.Context) error {
	wf.res.CourseID = wf.in.CourseID
	switch wf.in.Phase {
	case MoodleDeploy:
		if wf.in.TemplateCourseID == 0 {
			wf.res.Skipped = true
			return nil
		}
		return wf.steps(ctx, wf.copyCourse, wf.enrol)
	case MoodleUpdate:
		return wf.steps(ctx, wf.enrol, wf.unenrol(wf.in.Remove))
	case MoodleEnd:
		return wf.steps(ctx, wf.unenrol(usernames(wf.in.Participants)), wf.hide)
	case MoodleTeardown:
		if !wf.in.DeleteCourse {
			return nil
		}
		return wf.steps(ctx, wf.deleteCourse)
	default:
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("unknown Moodle phase %q; use deploy, update, end or teardown",
			wf.in.Phase), activities.ErrTypeInvalid, nil)
	}
}

// steps runs each step in turn until one fails or finds Moodle off (or
// the event without a course): then the rest have nothing to do.
func (wf *moodleEnrolment) steps(ctx workflow.Context, steps ...func(workflow.Context) error) error {
	for _, step := range steps {
		if err := step(ctx); err != nil || wf.res.Skipped {
			return err
		}
	}
	return nil
}

// call runs one Moodle activity as the operator step name, noting a skip
// and the course it worked on.
func (wf *moodleEnrolment) call(ctx workflow.Context, name string, opts stepOpts, spec activitySpec, fn, arg any) (activities.MoodleResult, error) {
	var r activities.MoodleResult
	err := wf.op.step(ctx, name, opts, func(ctx workflow.Context) error {
		return exec(ctx, spec, &r, fn, arg)
	})
	if r.Skipped {
		wf.res.Skipped = true
	}
	if r.CourseID != 0 {
		wf.res.CourseID = r.CourseID
	}
	return r, err
}

// course is the course the steps work on: the known one, or (0) the stored one.
func (wf *moodleEnrolment) course() activities.MoodleCourseInput {
	return activities.MoodleCourseInput{EventID: wf.in.EventID, CourseID: wf.res.CourseID}
}

func (wf *moodleEnrolment) copyCourse(ctx workflow.Context) error {
	_, err := wf.call(ctx, "copy course", stepOpts{}, moodleCopySpec, mdl.CopyEventCourse, activities.CopyEventCourseInput{
		EventID: wf.in.EventID, EventName: wf.in.EventName, ShortName: wf.in.ShortName, TemplateCourseID: wf.in.TemplateCourseID})
	return err
}

// enrol creates the users Moodle lacks and enrols them with their roles.
func (wf *moodleEnrolment) enrol(ctx workflow.Context) error {
	users := append(append([]activities.MoodleUser{}, wf.in.Participants...), wf.in.Instructors...)
	if len(users) == 0 {
		return nil
	}
	_, err := wf.call(ctx, "create users", stepOpts{}, moodleSpec, mdl.EnsureMoodleUsers,
		activities.EnsureMoodleUsersInput{Users: users, Auth: wf.in.UserAuth})
	if err != nil || wf.res.Skipped {
		return err
	}
	r, err := wf.call(ctx, "enrol", stepOpts{}, moodleSpec, mdl.EnrolMoodleUsers, activities.EnrolMoodleUsersInput{
		MoodleCourseInput: wf.course(), Students: usernames(wf.in.Participants), Teachers: usernames(wf.in.Instructors)})
	wf.res.Enrolled += r.Count
	return err
}

// unenrol returns the step that unenrols names (none: nothing to do).
func (wf *moodleEnrolment) unenrol(names []string) func(workflow.Context) error {
	return func(ctx workflow.Context) error {
		if len(names) == 0 {
			return nil
		}
		r, err := wf.call(ctx, "unenrol", stepOpts{skippable: true}, moodleSpec, mdl.UnenrolMoodleUsers,
			activities.UnenrolMoodleUsersInput{MoodleCourseInput: wf.course(), Usernames: names})
		wf.res.Unenrolled += r.Count
		return err
	}
}

func (wf *moodleEnrolment) hide(ctx workflow.Context) error {
	r, err := wf.call(ctx, "hide course", stepOpts{skippable: true}, moodleSpec, mdl.HideMoodleCourse, wf.course())
	wf.res.Hidden = err == nil && !r.Skipped && r.CourseID != 0
	return err
}

func (wf *moodleEnrolment) deleteCourse(ctx workflow.Context) error {
	r, err := wf.call(ctx, "delete course", stepOpts{skippable: true}, moodleSpec, mdl.DeleteMoodleCourse, wf.course())
	wf.res.Deleted = err == nil && !r.Skipped && r.CourseID != 0
	return err
}

// usernames are the users' usernames.
func usernames(users []activities.MoodleUser) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Username
	}
	return out
}

package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
)

// An event's Moodle course (lifecycles since changeEventIntegrations) is
// kept in step with the event by one coroutine that compares what the
// course should be now (from the phase and the members) with what the
// MoodleEnrolment runs made it, and runs the next phase as a child
// (event/<id>/moodle, one at a time): deploy copies the template course
// and enrols everyone as soon as the deployment begins; update enrols
// members who joined and unenrols those who left; end unenrols the
// participants and hides the course; teardown deletes it when configured.
// A Moodle outage makes a phase wait inside its run and finish when Moodle
// returns; nothing else of the event waits for it but the teardown.

// EventCourse is the event's Moodle course as the lifecycle keeps it.
type EventCourse struct {
	// Plan says whether the event has a course (PlanEventCourse at deploy).
	Plan     activities.EventCoursePlan `json:"plan"`
	CourseID int                        `json:"course_id,omitempty"`
	// Students and Teachers are the usernames enrolled with those roles.
	Students []string `json:"students,omitempty"`
	Teachers []string `json:"teachers,omitempty"`
	Hidden   bool     `json:"hidden,omitempty"`
	Deleted  bool     `json:"deleted,omitempty"`
	// Failed is why a phase failed for good (the operator aborted it); the
	// course is then left as it is.
	Failed string `json:"failed,omitempty"`
}

// planCourse reads whether the event keeps a course and starts keeping it.
// A plan that cannot be read leaves the event without a course.
func (wf *eventLifecycle) planCourse(ctx workflow.Context) {
	var plan activities.EventCoursePlan
	if err := exec(ctx, bookkeepingSpec, &plan, mdl.PlanEventCourse, wf.in.EventID); err != nil {
		workflow.GetLogger(ctx).Warn("reading the event's Moodle course failed; the event goes on without one", "error", err)
		return
	}
	wf.s.Course.Plan = plan
	if plan.Enabled {
		workflow.Go(ctx, wf.keepCourse)
	}
}

// keepCourse runs the course's next phase whenever one is due, for as long
// as the run lasts (a continued run starts it again).
func (wf *eventLifecycle) keepCourse(ctx workflow.Context) {
	for {
		var in MoodleEnrolmentInput
		if err := workflow.Await(ctx, func() bool {
			var due bool
			in, due = wf.courseNext()
			return due
		}); err != nil {
			return
		}
		wf.courseBusy = true
		var res MoodleEnrolmentResult
		err := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, MoodleEnrolmentChildOptions(wf.in.EventID)),
			MoodleEnrolmentType.Name, in).Get(ctx, &res)
		wf.courseBusy = false
		wf.courseDone(ctx, in, res, err)
		wf.changes++
	}
}

// courseDue reports whether a course phase is due or running.
func (wf *eventLifecycle) courseDue() bool {
	_, due := wf.courseNext()
	return due || wf.courseBusy
}

// courseNext is the phase the course needs now, if any.
func (wf *eventLifecycle) courseNext() (MoodleEnrolmentInput, bool) {
	c := &wf.s.Course
	if !c.Plan.Enabled || c.Failed != "" || c.Deleted || wf.courseBusy {
		return MoodleEnrolmentInput{}, false
	}
	in := MoodleEnrolmentInput{EventID: wf.in.EventID, CourseID: c.CourseID}
	students, teachers := wf.moodleMembers(domain.EventRoleParticipant), wf.moodleMembers(domain.EventRoleInstructor)
	switch {
	case wf.inState(domain.EventDeploying, domain.EventReady, domain.EventRunning):
		if c.CourseID == 0 {
			in.Phase, in.EventName, in.ShortName, in.TemplateCourseID = MoodleDeploy, wf.s.Event.Name, wf.s.Event.ShortName,
				c.Plan.TemplateCourseID
			in.Participants, in.Instructors = students, teachers
			return in, true
		}
		in.Phase = MoodleUpdate
		in.Participants = notIn(students, c.Students)
		in.Instructors = notIn(teachers, c.Teachers)
		wanted := append(usernames(students), usernames(teachers)...)
		for _, u := range append(slices.Clone(c.Students), c.Teachers...) {
			if !slices.Contains(wanted, u) && !slices.Contains(in.Remove, u) {
				in.Remove = append(in.Remove, u)
			}
		}
		return in, len(in.Participants)+len(in.Instructors)+len(in.Remove) > 0
	case wf.inState(domain.EventEnded, domain.EventDecommissioning, domain.EventDecommissioned):
		if c.CourseID == 0 {
			return in, false
		}
		if len(c.Students) > 0 || !c.Hidden {
			in.Phase = MoodleEnd
			for _, u := range c.Students {
				in.Participants = append(in.Participants, activities.MoodleUser{Username: u})
			}
			return in, true
		}
		if c.Plan.DeleteCourse && !wf.inState(domain.EventEnded) {
			in.Phase, in.DeleteCourse = MoodleTeardown, true
			return in, true
		}
	}
	return in, false
}

// courseDone takes in's result into the course's state.
func (wf *eventLifecycle) courseDone(ctx workflow.Context, in MoodleEnrolmentInput, res MoodleEnrolmentResult, err error) {
	c := &wf.s.Course
	if err != nil {
		c.Failed = failureMessage(err)
		workflow.GetLogger(ctx).Warn("the event's Moodle course phase failed; the course is left as it is", "phase", in.Phase,
			"error", err)
		wf.note(ctx, domain.EventActivityCourse, nil, "the Moodle course's "+string(in.Phase)+" failed",
			map[string]any{"phase": string(in.Phase), "error": c.Failed})
		return
	}
	if res.Skipped {
		// Moodle was turned off, or the event has no course after all.
		c.Plan.Enabled = false
		return
	}
	switch in.Phase {
	case MoodleDeploy:
		c.CourseID, c.Students, c.Teachers = res.CourseID, usernames(in.Participants), usernames(in.Instructors)
	case MoodleUpdate:
		c.Students = slices.DeleteFunc(append(c.Students, usernames(in.Participants)...), func(u string) bool {
			return slices.Contains(in.Remove, u)
		})
		c.Teachers = slices.DeleteFunc(append(c.Teachers, usernames(in.Instructors)...), func(u string) bool {
			return slices.Contains(in.Remove, u)
		})
	case MoodleEnd:
		c.Students, c.Hidden = nil, true
	case MoodleTeardown:
		c.Deleted = true
	}
	wf.note(ctx, domain.EventActivityCourse, nil, "the Moodle course's "+string(in.Phase)+" is done",
		map[string]any{"phase": string(in.Phase), "course_id": c.CourseID, "enrolled": res.Enrolled, "unenrolled": res.Unenrolled})
}

// moodleMembers are the members holding role, as Moodle knows them.
func (wf *eventLifecycle) moodleMembers(role string) []activities.MoodleUser {
	var out []activities.MoodleUser
	for _, m := range wf.members(role) {
		out = append(out, activities.MoodleUserOf(domain.User{Username: m.Username, Email: m.Email, DisplayName: m.DisplayName}))
	}
	return out
}

// notIn are the users whose usernames are not in names.
func notIn(users []activities.MoodleUser, names []string) []activities.MoodleUser {
	return slices.DeleteFunc(slices.Clone(users), func(u activities.MoodleUser) bool { return slices.Contains(names, u.Username) })
}

package workflows

import (
	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/activities"
)

// MoodleEnrolmentType keeps an event's Moodle course in step with the
// event: the EventLifecycle workflow runs it as a child at each phase.
var MoodleEnrolmentType = Type{Name: "MoodleEnrolment", Queue: activities.QueueCore}

// MoodleEnrolmentWorkflowID is the workflow ID of an event's Moodle
// enrolment: event/<event-id>/moodle. The phases run one after the other
// under this one ID.
func MoodleEnrolmentWorkflowID(eventID uuid.UUID) string {
	return "event/" + eventID.String() + "/moodle"
}

// MoodlePhase is what a MoodleEnrolment run does.
type MoodlePhase string

// The phases of an event's course:
//   - deploy: copy the environment's template course for the event, create
//     the users Moodle lacks, enrol participants as students and
//     instructors as editing teachers;
//   - update: the same for added users (Participants, Instructors), and
//     unenrol removed participants (Remove);
//   - end: unenrol the participants (instructors stay) and hide the course;
//   - teardown: delete the course when DeleteCourse is set.
const (
	MoodleDeploy   MoodlePhase = "deploy"
	MoodleUpdate   MoodlePhase = "update"
	MoodleEnd      MoodlePhase = "end"
	MoodleTeardown MoodlePhase = "teardown"
)

// MoodleEnrolmentInput asks for one phase of an event's course.
type MoodleEnrolmentInput struct {
	// OperationID, when set, is the operation record the run reports its
	// progress to (as the VM workflows do).
	OperationID uuid.UUID   `json:"operation_id,omitempty"`
	EventID     uuid.UUID   `json:"event_id"`
	Phase       MoodlePhase `json:"phase"`
	// EventName and ShortName name the course (deploy).
	EventName string `json:"event_name,omitempty"`
	ShortName string `json:"short_name,omitempty"`
	// TemplateCourseID is the environment's template course (deploy); 0
	// means the event has no course and the run does nothing.
	TemplateCourseID int `json:"template_course_id,omitempty"`
	// CourseID is the event's course when the caller knows it (a deploy's
	// result); 0 takes the one stored for the event.
	CourseID int `json:"course_id,omitempty"`
	// Participants are enrolled as students and Instructors as editing
	// teachers (deploy: all of them; update: the added ones). At the end,
	// Participants are the ones unenrolled.
	Participants []activities.MoodleUser `json:"participants,omitempty"`
	Instructors  []activities.MoodleUser `json:"instructors,omitempty"`
	// Remove are usernames to unenrol (update).
	Remove []string `json:"remove,omitempty"`
	// DeleteCourse deletes the course at teardown; without it the hidden
	// course stays in Moodle.
	DeleteCourse bool `json:"delete_course,omitempty"`
	// UserAuth is the Moodle authentication plugin of users it creates;
	// empty takes LABFORGE_MOODLE_USER_AUTH.
	UserAuth string `json:"user_auth,omitempty"`
}

// MoodleEnrolmentResult is what the run did. Skipped is set when Moodle is
// not configured or the event has no course: nothing was done.
type MoodleEnrolmentResult struct {
	Skipped    bool `json:"skipped,omitempty"`
	CourseID   int  `json:"course_id,omitempty"`
	Enrolled   int  `json:"enrolled,omitempty"`
	Unenrolled int  `json:"unenrolled,omitempty"`
	Hidden     bool `json:"hidden,omitempty"`
	Deleted    bool `json:"deleted,omitempty"`
}

// MoodleEnrolmentChildOptions are the child workflow options the event
// lifecycle runs a MoodleEnrolment phase with: its ID and queue, and the
// event's LabforgeEventId so the run is found beside its parent.
func MoodleEnrolmentChildOptions(eventID uuid.UUID) workflow.ChildWorkflowOptions {
	return workflow.ChildWorkflowOptions{
		WorkflowID:            MoodleEnrolmentWorkflowID(eventID),
		TaskQueue:             MoodleEnrolmentType.Queue,
		TypedSearchAttributes: temporal.NewSearchAttributes(eventIDKey.ValueSet(eventID.String())),
	}
}

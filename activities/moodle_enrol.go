package activities

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/moodle"
)

// MoodleUser is a Labforge user as Moodle should know them.
type MoodleUser struct {
	Username  string `json:"username"`
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	Email     string `json:"email"`
}

// EnsureMoodleUsersInput lists the users an event's course needs.
type EnsureMoodleUsersInput struct {
	Users []MoodleUser
	// Auth is the Moodle authentication plugin of users it creates; empty
	// takes the configured one (Moodle.UserAuth). With "manual" Moodle
	// e-mails them a password.
	Auth string
}

// EnsureMoodleUsers creates the users Moodle does not have yet (looked up
// by lower-cased username), so running it again creates nobody twice. A
// user Moodle refuses (a taken e-mail) is MoodleInvalidParameter.
func (a *Moodle) EnsureMoodleUsers(ctx context.Context, in EnsureMoodleUsersInput) (MoodleResult, error) {
	if !a.configured("EnsureMoodleUsers") || len(in.Users) == 0 {
		return MoodleResult{Skipped: a.Client == nil}, nil
	}
	auth := nonBlank(nonBlank(in.Auth, a.UserAuth), "manual")
	users := make([]moodle.NewUser, len(in.Users))
	for i, u := range in.Users {
		users[i] = moodle.NewUser{Username: u.Username, Firstname: nonBlank(u.Firstname, u.Username),
			Lastname: nonBlank(u.Lastname, "-"), Email: u.Email, Auth: auth}
		if auth == "manual" {
			users[i].CreatePassword = true
		}
	}
	ids, err := a.Client.EnsureUsers(ctx, users)
	if err != nil {
		return MoodleResult{}, classifyMoodle(err)
	}
	return MoodleResult{Count: len(ids)}, nil
}

// nonBlank is s, or def when s is blank (Moodle wants both names).
func nonBlank(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// EnrolMoodleUsersInput enrols users in an event's course: Students with
// the student role, Teachers with the editing teacher role; usernames of
// users EnsureMoodleUsers made.
type EnrolMoodleUsersInput struct {
	MoodleCourseInput
	Students []string
	Teachers []string
}

// EnrolMoodleUsers enrols the users with their roles. Enrolling someone
// again is harmless. A username Moodle does not know is Invalid.
func (a *Moodle) EnrolMoodleUsers(ctx context.Context, in EnrolMoodleUsersInput) (MoodleResult, error) {
	if !a.configured("EnrolMoodleUsers") {
		return MoodleResult{Skipped: true}, nil
	}
	course, err := a.course(ctx, in.MoodleCourseInput)
	if err != nil || course == 0 {
		return MoodleResult{Skipped: err == nil}, err
	}
	ids, err := a.userIDs(ctx, append(slices.Clone(in.Students), in.Teachers...))
	if err != nil {
		return MoodleResult{}, err
	}
	var enrol []moodle.Enrolment
	for _, name := range in.Students {
		id, ok := ids[strings.ToLower(name)]
		if !ok {
			return MoodleResult{}, classify(domain.Errorf(domain.KindInvalid, "Moodle has no user %s to enrol", name))
		}
		enrol = append(enrol, moodle.Enrolment{UserID: id, RoleID: moodle.RoleStudent})
	}
	for _, name := range in.Teachers {
		id, ok := ids[strings.ToLower(name)]
		if !ok {
			return MoodleResult{}, classify(domain.Errorf(domain.KindInvalid, "Moodle has no user %s to enrol", name))
		}
		enrol = append(enrol, moodle.Enrolment{UserID: id, RoleID: moodle.RoleEditingTeacher})
	}
	if err := a.Client.Enrol(ctx, course, enrol); err != nil {
		return MoodleResult{}, classifyMoodle(err)
	}
	a.log(in.MoodleCourseInput, course).Info("Moodle users enrolled", slog.Int("students", len(in.Students)),
		slog.Int("teachers", len(in.Teachers)))
	return MoodleResult{CourseID: course, Count: len(enrol)}, nil
}

// UnenrolMoodleUsersInput names users to unenrol from an event's course.
type UnenrolMoodleUsersInput struct {
	MoodleCourseInput
	Usernames []string
}

// UnenrolMoodleUsers removes the users' enrolments (and roles) from the
// course. Users Moodle does not know, or not enrolled, are fine.
func (a *Moodle) UnenrolMoodleUsers(ctx context.Context, in UnenrolMoodleUsersInput) (MoodleResult, error) {
	if !a.configured("UnenrolMoodleUsers") {
		return MoodleResult{Skipped: true}, nil
	}
	course, err := a.course(ctx, in.MoodleCourseInput)
	if err != nil || course == 0 {
		return MoodleResult{Skipped: err == nil}, err
	}
	ids, err := a.userIDs(ctx, in.Usernames)
	if err != nil {
		return MoodleResult{}, err
	}
	userIDs := make([]int, 0, len(ids))
	for _, id := range ids {
		userIDs = append(userIDs, id)
	}
	slices.Sort(userIDs)
	if err := a.Client.Unenrol(ctx, course, userIDs...); err != nil {
		return MoodleResult{}, classifyMoodle(err)
	}
	a.log(in.MoodleCourseInput, course).Info("Moodle users unenrolled", slog.Int("count", len(userIDs)))
	return MoodleResult{CourseID: course, Count: len(userIDs)}, nil
}

// userIDs looks users up by lower-cased username; unknown ones are left out.
func (a *Moodle) userIDs(ctx context.Context, names []string) (map[string]int, error) {
	lower := make([]string, len(names))
	for i, n := range names {
		lower[i] = strings.ToLower(strings.TrimSpace(n))
	}
	slices.Sort(lower)
	lower = slices.Compact(lower)
	found, err := a.Client.UsersByField(ctx, moodle.UserFieldUsername, lower...)
	if err != nil {
		return nil, classifyMoodle(err)
	}
	ids := make(map[string]int, len(found))
	for _, u := range found {
		ids[u.Username] = u.ID
	}
	return ids, nil
}

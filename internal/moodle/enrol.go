package moodle

import "context"

// Role ids of a stock Moodle. Sites can change them; look them up when a
// site's roles differ.
const (
	RoleManager        = 1
	RoleEditingTeacher = 3
	RoleTeacher        = 4 // non-editing teacher
	RoleStudent        = 5
)

// Enrolment gives a user a role in a course through manual enrolment.
type Enrolment struct {
	UserID int
	RoleID int
}

// Enrol enrols users in a course with enrol_manual_enrol_users, each with
// their role (RoleStudent, RoleEditingTeacher, ...). Enrolling a user
// again is harmless; a second role is added to the first. Moodle enrols
// all or none.
func (c *Client) Enrol(ctx context.Context, courseID int, enrolments []Enrolment) error {
	if len(enrolments) == 0 {
		return nil
	}
	type wire struct {
		RoleID   int `moodle:"roleid"`
		UserID   int `moodle:"userid"`
		CourseID int `moodle:"courseid"`
	}
	params := struct {
		Enrolments []wire `moodle:"enrolments"`
	}{make([]wire, len(enrolments))}
	for i, e := range enrolments {
		params.Enrolments[i] = wire{e.RoleID, e.UserID, courseID}
	}
	return c.call(ctx, "Enrol", fnEnrol, params, nil)
}

// Unenrol removes users' manual enrolments (and their roles) from a
// course with enrol_manual_unenrol_users. Unenrolling a user who is not
// enrolled is harmless.
func (c *Client) Unenrol(ctx context.Context, courseID int, userIDs ...int) error {
	if len(userIDs) == 0 {
		return nil
	}
	type wire struct {
		UserID   int `moodle:"userid"`
		CourseID int `moodle:"courseid"`
	}
	params := struct {
		Enrolments []wire `moodle:"enrolments"`
	}{make([]wire, len(userIDs))}
	for i, id := range userIDs {
		params.Enrolments[i] = wire{id, courseID}
	}
	return c.call(ctx, "Unenrol", fnUnenrol, params, nil)
}

// Role is a role a user holds in a course.
type Role struct {
	ID        int    `json:"roleid"`
	Shortname string `json:"shortname"`
	Name      string `json:"name"`
}

// EnrolledUser is a user enrolled in a course, with their roles there.
type EnrolledUser struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
	Fullname string `json:"fullname"`
	Email    string `json:"email"`
	Roles    []Role `json:"roles"`
}

// HasRole reports whether the user holds the role in the course.
func (u EnrolledUser) HasRole(roleID int) bool {
	for _, r := range u.Roles {
		if r.ID == roleID {
			return true
		}
	}
	return false
}

// EnrolledUsers lists a course's enrolled users with
// core_enrol_get_enrolled_users.
func (c *Client) EnrolledUsers(ctx context.Context, courseID int) ([]EnrolledUser, error) {
	params := struct {
		CourseID int `moodle:"courseid"`
	}{courseID}
	var out []EnrolledUser
	if err := c.call(ctx, "EnrolledUsers", fnEnrolledUsers, params, &out); err != nil {
		return nil, err
	}
	return out, nil
}

package moodle

import (
	"context"
	"errors"
	"strings"
)

// Fields core_course_get_courses_by_field searches by.
const (
	CourseFieldID        = "id"
	CourseFieldIDs       = "ids" // comma-separated ids
	CourseFieldShortname = "shortname"
	CourseFieldIDNumber  = "idnumber"
	CourseFieldCategory  = "category"
)

// Course is a Moodle course.
type Course struct {
	ID         int
	Shortname  string
	Fullname   string
	IDNumber   string
	CategoryID int
	Visible    bool
	Format     string
	// StartDate and EndDate are Unix times; 0 when unset.
	StartDate int64
	EndDate   int64
}

type courseWire struct {
	ID         int    `json:"id"`
	Shortname  string `json:"shortname"`
	Fullname   string `json:"fullname"`
	IDNumber   string `json:"idnumber"`
	CategoryID int    `json:"categoryid"`
	Visible    int    `json:"visible"`
	Format     string `json:"format"`
	StartDate  int64  `json:"startdate"`
	EndDate    int64  `json:"enddate"`
}

// CourseByField calls core_course_get_courses_by_field and returns the
// courses whose field (CourseFieldShortname, ...) equals value; none is
// not an error. An empty field returns every course.
func (c *Client) CourseByField(ctx context.Context, field, value string) ([]Course, error) {
	params := struct {
		Field string `moodle:"field"`
		Value string `moodle:"value"`
	}{field, value}
	var raw struct {
		Courses []courseWire `json:"courses"`
	}
	if err := c.call(ctx, "CourseByField", fnCoursesByField, params, &raw); err != nil {
		return nil, err
	}
	out := make([]Course, len(raw.Courses))
	for i, w := range raw.Courses {
		out[i] = Course{ID: w.ID, Shortname: w.Shortname, Fullname: w.Fullname, IDNumber: w.IDNumber,
			CategoryID: w.CategoryID, Visible: w.Visible != 0, Format: w.Format, StartDate: w.StartDate, EndDate: w.EndDate}
	}
	return out, nil
}

// DuplicatedCourse is the course core_course_duplicate_course made.
type DuplicatedCourse struct {
	ID        int    `json:"id"`
	Shortname string `json:"shortname"`
}

// duplicateOptions copy a template's content but none of its users.
var duplicateOptions = []struct {
	Name  string `moodle:"name"`
	Value int    `moodle:"value"`
}{{"activities", 1}, {"blocks", 1}, {"filters", 1}, {"users", 0}}

// DuplicateCourse calls core_course_duplicate_course: it copies course
// courseID (activities, blocks and filters, no users) into a new course in
// category categoryID. Moodle does the backup and restore while the call
// waits (Config.DuplicateTimeout). A taken short name is AlreadyExists:
// look the course up by short name first to make a retry idempotent.
func (c *Client) DuplicateCourse(ctx context.Context, courseID int, fullname, shortname string, categoryID int, visible bool) (DuplicatedCourse, error) {
	if strings.TrimSpace(fullname) == "" || strings.TrimSpace(shortname) == "" {
		return DuplicatedCourse{}, invalidArg("DuplicateCourse", "the full and short names must not be empty")
	}
	params := struct {
		CourseID   int    `moodle:"courseid"`
		Fullname   string `moodle:"fullname"`
		Shortname  string `moodle:"shortname"`
		CategoryID int    `moodle:"categoryid"`
		Visible    bool   `moodle:"visible"`
		Options    any    `moodle:"options"`
	}{courseID, fullname, shortname, categoryID, visible, duplicateOptions}
	var out DuplicatedCourse
	err := c.call(ctx, "DuplicateCourse", fnDuplicateCourse, params, &out)
	return out, err
}

// CopyCourse returns the course with short name shortname, duplicating
// course courseID into it first when there is none (see DuplicateCourse).
// It is the idempotent form of DuplicateCourse: a retry after a timeout,
// when Moodle may have finished the copy anyway, or a concurrent caller
// that made it first, finds the course instead of failing with
// AlreadyExists.
func (c *Client) CopyCourse(ctx context.Context, courseID int, fullname, shortname string, categoryID int, visible bool) (Course, error) {
	find := func() (Course, bool, error) {
		found, err := c.CourseByField(ctx, CourseFieldShortname, shortname)
		if err != nil || len(found) == 0 {
			return Course{}, false, err
		}
		return found[0], true, nil
	}
	if course, ok, err := find(); err != nil || ok {
		return course, err
	}
	_, err := c.DuplicateCourse(ctx, courseID, fullname, shortname, categoryID, visible)
	if err != nil && !errors.Is(err, AlreadyExists) {
		return Course{}, err
	}
	course, ok, findErr := find()
	if findErr != nil {
		return Course{}, findErr
	}
	if !ok {
		if err == nil {
			err = &Error{Kind: Failed, Op: "CopyCourse", Function: fnCoursesByField,
				Message: "the duplicated course " + shortname + " cannot be found by its short name"}
		}
		return Course{}, err
	}
	return course, nil
}

type warningsWire struct {
	Warnings []Warning `json:"warnings"`
}

// UpdateCourseVisibility shows or hides a course with
// core_course_update_courses. Moodle reports a failure (such as an unknown
// course) as a warning; it is returned as an *Error naming the course.
func (c *Client) UpdateCourseVisibility(ctx context.Context, courseID int, visible bool) error {
	type update struct {
		ID      int  `moodle:"id"`
		Visible bool `moodle:"visible"`
	}
	params := struct {
		Courses []update `moodle:"courses"`
	}{[]update{{courseID, visible}}}
	var out warningsWire
	if err := c.call(ctx, "UpdateCourseVisibility", fnUpdateCourses, params, &out); err != nil {
		return err
	}
	return warningsError("UpdateCourseVisibility", fnUpdateCourses, out.Warnings)
}

// DeleteCourses deletes courses with core_course_delete_courses. Courses
// Moodle could not delete come back as one *Error naming each; when all
// of them were unknown its kind is NotFound, which an idempotent caller
// may ignore.
func (c *Client) DeleteCourses(ctx context.Context, courseIDs ...int) error {
	if len(courseIDs) == 0 {
		return nil
	}
	params := struct {
		IDs []int `moodle:"courseids"`
	}{courseIDs}
	var out warningsWire
	if err := c.call(ctx, "DeleteCourses", fnDeleteCourses, params, &out); err != nil {
		return err
	}
	return warningsError("DeleteCourses", fnDeleteCourses, out.Warnings)
}

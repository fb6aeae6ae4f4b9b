package moodle

import (
	"strconv"
	"strings"
)

// courseOut is a course as core_course_get_courses_by_field returns it.
type courseOut struct {
	ID                int      `json:"id"`
	Fullname          string   `json:"fullname"`
	DisplayName       string   `json:"displayname"`
	Shortname         string   `json:"shortname"`
	CategoryID        int      `json:"categoryid"`
	CategoryName      string   `json:"categoryname"`
	SortOrder         int      `json:"sortorder"`
	Summary           string   `json:"summary"`
	SummaryFormat     int      `json:"summaryformat"`
	SummaryFiles      []any    `json:"summaryfiles"`
	OverviewFiles     []any    `json:"overviewfiles"`
	Contacts          []any    `json:"contacts"`
	EnrollmentMethods []string `json:"enrollmentmethods"`
	IDNumber          string   `json:"idnumber"`
	Format            string   `json:"format"`
	ShowGrades        int      `json:"showgrades"`
	NewsItems         int      `json:"newsitems"`
	StartDate         int64    `json:"startdate"`
	EndDate           int64    `json:"enddate"`
	MaxBytes          int      `json:"maxbytes"`
	ShowReports       int      `json:"showreports"`
	Visible           int      `json:"visible"`
	GroupMode         int      `json:"groupmode"`
	GroupModeForce    int      `json:"groupmodeforce"`
	DefaultGroupingID int      `json:"defaultgroupingid"`
	EnableCompletion  int      `json:"enablecompletion"`
	CompletionNotify  int      `json:"completionnotify"`
	Lang              string   `json:"lang"`
	Theme             string   `json:"theme"`
	Marker            int      `json:"marker"`
	LegacyFiles       int      `json:"legacyfiles"`
	CalendarType      string   `json:"calendartype"`
	TimeCreated       int64    `json:"timecreated"`
	TimeModified      int64    `json:"timemodified"`
	Requested         int      `json:"requested"`
	CacheRev          int64    `json:"cacherev"`
}

func (s *Server) courseOut(c *course) courseOut {
	methods := []string{}
	if c.manual {
		methods = append(methods, "manual")
	}
	return courseOut{
		ID: c.id, Fullname: c.fullname, DisplayName: c.fullname, Shortname: c.shortname,
		CategoryID: c.categoryID, CategoryName: s.st.categories[c.categoryID], SortOrder: 10000 + c.id,
		Summary: c.summary, SummaryFormat: 1, SummaryFiles: []any{}, OverviewFiles: []any{}, Contacts: []any{},
		EnrollmentMethods: methods, IDNumber: c.idnumber, Format: c.format, ShowGrades: 1, NewsItems: 5,
		StartDate: c.startDate, EndDate: c.endDate, ShowReports: 0, Visible: boolInt(c.visible),
		EnableCompletion: 1, CalendarType: "", TimeCreated: c.timeCreated, TimeModified: c.timeCreated,
		CacheRev: c.timeCreated,
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Server) coursesByField(a args) (any, *exception) {
	field, val := a.str("field"), a.str("value")
	var match func(c *course) bool
	switch field {
	case "":
		match = func(*course) bool { return true }
	case "id", "category":
		n := cleanInt(val)
		if field == "id" {
			match = func(c *course) bool { return c.id == n }
		} else {
			match = func(c *course) bool { return c.categoryID == n }
		}
	case "ids":
		ids := map[int]bool{}
		for _, p := range strings.Split(val, ",") {
			ids[cleanInt(p)] = true
		}
		match = func(c *course) bool { return ids[c.id] }
	case "shortname":
		match = func(c *course) bool { return c.shortname == val }
	case "idnumber":
		match = func(c *course) bool { return c.idnumber == val }
	default:
		return nil, invalidParameter("Invalid field name")
	}
	out := struct {
		Courses  []courseOut `json:"courses"`
		Warnings []warning   `json:"warnings"`
	}{Courses: []courseOut{}, Warnings: []warning{}}
	for _, id := range s.st.sortedCourseIDs() {
		if c := s.st.courses[id]; match(c) {
			out.Courses = append(out.Courses, s.courseOut(c))
		}
	}
	return out, nil
}

// cleanInt is clean_param($v, PARAM_INT): the leading integer, or 0.
func cleanInt(v string) int {
	v = strings.TrimSpace(v)
	end := 0
	for end < len(v) && (v[end] >= '0' && v[end] <= '9' || end == 0 && v[end] == '-') {
		end++
	}
	n, _ := strconv.Atoi(v[:end])
	return n
}

// backupOptions are the options core_course_duplicate_course accepts.
var backupOptions = []string{"activities", "blocks", "filters", "users", "enrolments", "role_assignments",
	"comments", "userscompletion", "logs", "grade_histories"}

func (s *Server) duplicateCourse(a args) (any, *exception) {
	src := s.st.courses[a.int("courseid")]
	if src == nil {
		return nil, moodleException("invalidcourseid", "You are trying to use an invalid course ID")
	}
	if s.st.categories[a.int("categoryid")] == "" {
		return nil, missingRecord("course_categories")
	}
	withUsers := false
	for _, o := range a.list("options") {
		// Moodle checks the value (0 or 1 after clean_param) before the name.
		name, n := o.str("name"), cleanInt(o.str("value"))
		if n != 0 && n != 1 || !oneOf(name, backupOptions...) {
			return nil, moodleException("invalidextparam", "Invalid external api parameter: "+name)
		}
		if name == "users" {
			withUsers = n == 1
		}
	}
	short := a.str("shortname")
	if taken := s.st.courseByShortname(short); taken != nil {
		// Moodle names the full names of the courses holding the short name.
		return nil, moodleException("shortnametaken", "Short name is already used for another course ("+taken.fullname+")")
	}
	c := *src
	c.id, c.shortname, c.fullname = s.st.nextCourse, short, a.str("fullname")
	c.categoryID, c.visible, c.idnumber, c.from = a.int("categoryid"), a.int("visible") != 0, "", src.id
	s.st.nextCourse++
	s.st.courses[c.id] = &c
	if withUsers {
		for uid, e := range s.st.enrolments[src.id] {
			for _, r := range e.roles {
				s.st.enrol(c.id, uid, r, *e)
			}
		}
	}
	return struct {
		ID        int    `json:"id"`
		Shortname string `json:"shortname"`
	}{c.id, c.shortname}, nil
}

func (s *Server) updateCourses(a args) (any, *exception) {
	warnings := []warning{}
	for _, in := range a.list("courses") {
		if ex := s.updateCourse(in); ex != nil {
			// Each course is updated on its own; a failure becomes a
			// warning, as the real function's try/catch does.
			warnings = append(warnings, warning{Item: "course", ItemID: in.int("id"),
				WarningCode: ex.ErrorCode, Message: ex.Message})
		}
	}
	return struct {
		Warnings []warning `json:"warnings"`
	}{warnings}, nil
}

func (s *Server) updateCourse(in args) *exception {
	c := s.st.courses[in.int("id")]
	if c == nil {
		return missingRecord("course")
	}
	if in.has("shortname") {
		if other := s.st.courseByShortname(in.str("shortname")); other != nil && other != c {
			return moodleException("shortnametaken", "Short name is already used for another course ("+in.str("shortname")+")")
		}
	}
	if in.has("categoryid") && s.st.categories[in.int("categoryid")] == "" {
		return missingRecord("course_categories")
	}
	if in.has("startdate") && in.has("enddate") && in.int("enddate") != 0 && in.int("enddate") < in.int("startdate") {
		return moodleException("invalidenddate", "The course end date must be after the start date.")
	}
	next := *c
	if in.has("shortname") {
		next.shortname = in.str("shortname")
	}
	if in.has("fullname") {
		next.fullname = in.str("fullname")
	}
	if in.has("categoryid") {
		next.categoryID = in.int("categoryid")
	}
	if in.has("idnumber") {
		next.idnumber = in.str("idnumber")
	}
	if in.has("summary") {
		next.summary = in.str("summary")
	}
	if in.has("format") {
		next.format = in.str("format")
	}
	if in.has("startdate") {
		next.startDate = int64(in.int("startdate"))
	}
	if in.has("enddate") {
		next.endDate = int64(in.int("enddate"))
	}
	if in.has("visible") {
		next.visible = in.int("visible") != 0
	}
	*c = next
	return nil
}

func (s *Server) deleteCourses(a args) (any, *exception) {
	warnings := []warning{}
	for _, id := range a.ints("courseids") {
		if s.st.courses[id] == nil {
			warnings = append(warnings, warning{Item: "course", ItemID: id,
				WarningCode: "unknowncourseidnumber", Message: "Unknown course ID " + strconv.Itoa(id)})
			continue
		}
		delete(s.st.courses, id)
		delete(s.st.enrolments, id)
	}
	return struct {
		Warnings []warning `json:"warnings"`
	}{warnings}, nil
}

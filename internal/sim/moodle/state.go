package moodle

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// siteCourseID is the front page course every Moodle site has; it is not a
// real course and never listed.
const siteCourseID = 1

// Stock role ids, as a fresh Moodle installs them.
const (
	RoleManager        = 1
	RoleCourseCreator  = 2
	RoleEditingTeacher = 3
	RoleTeacher        = 4
	RoleStudent        = 5
	RoleGuest          = 6
	RoleUser           = 7
	RoleFrontPage      = 8
)

// role is a stock Moodle role.
type role struct {
	id         int
	shortname  string
	name       string
	assignable bool // may be given by a manual enrolment in a course
}

var roles = []role{
	{RoleManager, "manager", "Manager", true},
	{RoleCourseCreator, "coursecreator", "Course creator", false},
	{RoleEditingTeacher, "editingteacher", "Teacher", true},
	{RoleTeacher, "teacher", "Non-editing teacher", true},
	{RoleStudent, "student", "Student", true},
	{RoleGuest, "guest", "Guest", false},
	{RoleUser, "user", "Authenticated user", false},
	{RoleFrontPage, "frontpage", "Authenticated user on site home", false},
}

func roleByID(id int) (role, bool) {
	for _, r := range roles {
		if r.id == id {
			return r, true
		}
	}
	return role{}, false
}

type course struct {
	id          int
	shortname   string
	fullname    string
	idnumber    string
	categoryID  int
	visible     bool
	summary     string
	format      string
	startDate   int64
	endDate     int64
	timeCreated int64
	// manual reports whether the course has a manual enrolment instance
	// (every new course does).
	manual bool
	// from is the course this one was duplicated from, 0 for seeded ones.
	from int
}

type user struct {
	id        int
	username  string
	firstname string
	lastname  string
	email     string
	auth      string
	idnumber  string
	suspended bool
}

func (u *user) fullname() string { return strings.TrimSpace(u.firstname + " " + u.lastname) }

// enrolment is a user's manual enrolment in a course and the roles they
// hold there.
type enrolment struct {
	roles     []int
	timeStart int64
	timeEnd   int64
	suspended bool
}

type state struct {
	categories map[int]string
	courses    map[int]*course
	users      map[int]*user
	enrolments map[int]map[int]*enrolment // course id → user id →
	nextCourse int
	nextUser   int
}

func (st *state) courseByShortname(name string) *course {
	for _, c := range st.courses {
		if c.shortname == name {
			return c
		}
	}
	return nil
}

func (st *state) userByUsername(name string) *user {
	for _, u := range st.users {
		if u.username == name {
			return u
		}
	}
	return nil
}

func (st *state) sortedCourseIDs() []int { return slices.Sorted(maps.Keys(st.courses)) }

func (st *state) sortedUserIDs() []int { return slices.Sorted(maps.Keys(st.users)) }

// enrol enrols uid in cid with role, adding the role to any it holds.
func (st *state) enrol(cid, uid, roleID int, e enrolment) {
	m := st.enrolments[cid]
	if m == nil {
		m = map[int]*enrolment{}
		st.enrolments[cid] = m
	}
	cur := m[uid]
	if cur == nil {
		cur = &enrolment{}
		m[uid] = cur
	}
	cur.timeStart, cur.timeEnd, cur.suspended = e.timeStart, e.timeEnd, e.suspended
	if !slices.Contains(cur.roles, roleID) {
		cur.roles = append(cur.roles, roleID)
		slices.Sort(cur.roles)
	}
}

// buildState makes the initial state from a seed.
func buildState(seed Seed, now int64) (*state, error) {
	st := &state{
		categories: map[int]string{},
		courses:    map[int]*course{},
		users:      map[int]*user{},
		enrolments: map[int]map[int]*enrolment{},
		nextCourse: siteCourseID + 1,
		nextUser:   1,
	}
	for _, c := range seed.Categories {
		if c.ID < 1 || c.Name == "" || st.categories[c.ID] != "" {
			return nil, fmt.Errorf("category %d %q: ids must be positive and unique, names non-empty", c.ID, c.Name)
		}
		st.categories[c.ID] = c.Name
	}
	for _, su := range seed.Users {
		u := &user{id: su.ID, username: su.Username, firstname: su.Firstname, lastname: su.Lastname,
			email: su.Email, auth: su.Auth}
		if u.auth == "" {
			u.auth = "manual"
		}
		if u.id == 0 {
			u.id = st.nextUser
		}
		if u.id < st.nextUser || u.username == "" || st.userByUsername(u.username) != nil {
			return nil, fmt.Errorf("user %q (id %d): ids must increase, usernames be unique and non-empty", su.Username, su.ID)
		}
		st.users[u.id] = u
		st.nextUser = u.id + 1
	}
	for _, sc := range seed.Courses {
		c := &course{id: sc.ID, shortname: sc.Shortname, fullname: sc.Fullname, categoryID: sc.CategoryID,
			visible: !sc.Hidden, summary: sc.Summary, format: "topics", timeCreated: now, manual: true}
		if c.id == 0 {
			c.id = st.nextCourse
		}
		if c.categoryID == 0 {
			c.categoryID = 1
		}
		if c.id < st.nextCourse || c.shortname == "" || c.fullname == "" || st.courseByShortname(c.shortname) != nil {
			return nil, fmt.Errorf("course %q (id %d): ids must increase from 2, shortnames be unique, names non-empty", sc.Shortname, sc.ID)
		}
		if st.categories[c.categoryID] == "" {
			return nil, fmt.Errorf("course %q: no category %d", sc.Shortname, c.categoryID)
		}
		st.courses[c.id] = c
		st.nextCourse = c.id + 1
	}
	return st, nil
}

package moodle

import "slices"

// Course is a course as the simulator holds it, for tests to assert on.
type Course struct {
	ID         int    `json:"id"`
	Shortname  string `json:"shortname"`
	Fullname   string `json:"fullname"`
	CategoryID int    `json:"categoryid"`
	Visible    bool   `json:"visible"`
	// DuplicatedFrom is the id of the course this one is a copy of, 0 for
	// seeded courses.
	DuplicatedFrom int `json:"duplicated_from,omitempty"`
}

// User is a user as the simulator holds it.
type User struct {
	ID        int    `json:"id"`
	Username  string `json:"username"`
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	Email     string `json:"email"`
	Auth      string `json:"auth"`
}

// Enrolment is one user's enrolment in a course and their roles there.
type Enrolment struct {
	UserID   int    `json:"userid"`
	Username string `json:"username"`
	RoleIDs  []int  `json:"roleids"`
}

// Courses returns every course except the site, by id.
func (s *Server) Courses() []Course {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Course, 0, len(s.st.courses))
	for _, id := range s.st.sortedCourseIDs() {
		c := s.st.courses[id]
		out = append(out, Course{ID: c.id, Shortname: c.shortname, Fullname: c.fullname,
			CategoryID: c.categoryID, Visible: c.visible, DuplicatedFrom: c.from})
	}
	return out
}

// Course returns the course with id.
func (s *Server) Course(id int) (Course, bool) {
	for _, c := range s.Courses() {
		if c.ID == id {
			return c, true
		}
	}
	return Course{}, false
}

// Users returns every user, by id.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.st.users))
	for _, id := range s.st.sortedUserIDs() {
		u := s.st.users[id]
		out = append(out, User{ID: u.id, Username: u.username, Firstname: u.firstname,
			Lastname: u.lastname, Email: u.email, Auth: u.auth})
	}
	return out
}

// Enrolments returns the enrolments of a course, by user id; none for an
// unknown course.
func (s *Server) Enrolments(courseID int) []Enrolment {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.enrolments[courseID]
	out := make([]Enrolment, 0, len(m))
	for uid, e := range m {
		name := ""
		if u := s.st.users[uid]; u != nil {
			name = u.username
		}
		out = append(out, Enrolment{UserID: uid, Username: name, RoleIDs: slices.Clone(e.roles)})
	}
	slices.SortFunc(out, func(a, b Enrolment) int { return a.UserID - b.UserID })
	return out
}

package moodle

import "fmt"

type enrolledUser struct {
	userOut
	LastCourseAccess int64         `json:"lastcourseaccess"`
	Roles            []roleOut     `json:"roles"`
	EnrolledCourses  []enrolCourse `json:"enrolledcourses"`
}

type roleOut struct {
	RoleID    int    `json:"roleid"`
	Name      string `json:"name"`
	Shortname string `json:"shortname"`
	SortOrder int    `json:"sortorder"`
}

type enrolCourse struct {
	ID        int    `json:"id"`
	Fullname  string `json:"fullname"`
	Shortname string `json:"shortname"`
}

func (s *Server) enrolUsers(a args) (any, *exception) {
	in := a.list("enrolments")
	// All or nothing, as in Moodle's delegated transaction.
	for _, e := range in {
		cid, uid, rid := e.int("courseid"), e.int("userid"), e.int("roleid")
		c := s.st.courses[cid]
		if c == nil {
			return nil, invalidParameter("Context does not exist")
		}
		if r, ok := roleByID(rid); !ok || !r.assignable {
			return nil, moodleException("wsusercannotassign", fmt.Sprintf(
				"You don't have the permission to assign this role (%d) to this user (%d) in this course(%d).", rid, uid, cid))
		}
		if !c.manual {
			return nil, noManualInstance
		}
		if s.st.users[uid] == nil {
			return nil, codingError("User ID does not exist or is deleted!", "userid:"+idText(uid))
		}
	}
	for _, e := range in {
		s.st.enrol(e.int("courseid"), e.int("userid"), e.int("roleid"), enrolment{
			timeStart: int64(e.int("timestart")), timeEnd: int64(e.int("timeend")), suspended: e.int("suspend") != 0})
	}
	return nil, nil
}

func (s *Server) unenrolUsers(a args) (any, *exception) {
	in := a.list("enrolments")
	for _, e := range in {
		cid, uid := e.int("courseid"), e.int("userid")
		c := s.st.courses[cid]
		if c == nil {
			return nil, missingRecord("course")
		}
		if !c.manual {
			return nil, noManualInstance
		}
		if s.st.users[uid] == nil {
			return nil, invalidParameter("User id not exist: " + idText(uid))
		}
	}
	for _, e := range in {
		delete(s.st.enrolments[e.int("courseid")], e.int("userid"))
	}
	return nil, nil
}

func (s *Server) enrolledUsers(a args) (any, *exception) {
	cid := a.int("courseid")
	c := s.st.courses[cid]
	if c == nil {
		return nil, missingRecord("course")
	}
	onlyActive := false
	for _, o := range a.list("options") {
		if o.str("name") == "onlyactive" {
			onlyActive = cleanInt(o.str("value")) != 0
		}
	}
	out := []enrolledUser{}
	m := s.st.enrolments[cid]
	for _, uid := range s.st.sortedUserIDs() {
		e := m[uid]
		if e == nil || onlyActive && e.suspended {
			continue
		}
		eu := enrolledUser{userOut: s.userOut(s.st.users[uid]), Roles: []roleOut{},
			EnrolledCourses: []enrolCourse{}}
		for _, rid := range e.roles {
			r, _ := roleByID(rid)
			eu.Roles = append(eu.Roles, roleOut{RoleID: r.id, Name: r.name, Shortname: r.shortname})
		}
		for _, ocid := range s.st.sortedCourseIDs() {
			if s.st.enrolments[ocid][uid] != nil {
				oc := s.st.courses[ocid]
				eu.EnrolledCourses = append(eu.EnrolledCourses, enrolCourse{oc.id, oc.fullname, oc.shortname})
			}
		}
		out = append(out, eu)
	}
	return out, nil
}

package moodle

// function is one simulated web service function: its parameter
// description and its implementation, which runs under the state lock
// with validated arguments and either answers or throws.
type function struct {
	params single
	run    func(s *Server, a args) (any, *exception)
}

// functionTable holds every simulated function by name.
var functionTable map[string]function

func init() {
	functionTable = map[string]function{
		"core_webservice_get_site_info": {single{
			{"serviceshortnames", multiple{value{typ: paramAlphaExt}}, optional},
		}, (*Server).siteInfo},
		"core_course_get_courses_by_field": {single{
			{"field", value{typ: paramAlpha, def: ""}, withDefault},
			{"value", value{typ: paramRaw, def: ""}, withDefault},
		}, (*Server).coursesByField},
		"core_course_duplicate_course": {single{
			{"courseid", value{typ: paramInt}, required},
			{"fullname", value{typ: paramText}, required},
			{"shortname", value{typ: paramText}, required},
			{"categoryid", value{typ: paramInt}, required},
			{"visible", value{typ: paramInt, def: int64(1)}, withDefault},
			{"options", multiple{single{
				{"name", value{typ: paramAlphaExt}, required},
				{"value", value{typ: paramRaw}, required},
			}}, optional},
		}, (*Server).duplicateCourse},
		"core_course_update_courses": {single{
			{"courses", multiple{single{
				{"id", value{typ: paramInt}, required},
				{"fullname", value{typ: paramText}, optional},
				{"shortname", value{typ: paramText}, optional},
				{"categoryid", value{typ: paramInt}, optional},
				{"idnumber", value{typ: paramRaw}, optional},
				{"summary", value{typ: paramRaw}, optional},
				{"format", value{typ: paramAlphaExt}, optional},
				{"startdate", value{typ: paramInt}, optional},
				{"enddate", value{typ: paramInt}, optional},
				{"visible", value{typ: paramInt}, optional},
			}}, required},
		}, (*Server).updateCourses},
		"core_course_delete_courses": {single{
			{"courseids", multiple{value{typ: paramInt}}, required},
		}, (*Server).deleteCourses},
		"core_user_get_users_by_field": {single{
			{"field", value{typ: paramAlpha}, required},
			{"values", multiple{value{typ: paramRaw}}, required},
		}, (*Server).usersByField},
		"core_user_create_users": {single{
			{"users", multiple{single{
				{"createpassword", value{typ: paramInt}, optional},
				{"username", value{typ: paramUsername}, required},
				{"auth", value{typ: paramAlphaExt, def: "manual"}, withDefault},
				{"password", value{typ: paramRaw}, optional},
				{"firstname", value{typ: paramText}, required},
				{"lastname", value{typ: paramText}, required},
				{"email", value{typ: paramEmail}, required},
				{"idnumber", value{typ: paramRaw, def: ""}, withDefault},
				{"city", value{typ: paramText}, optional},
				{"country", value{typ: paramAlpha}, optional},
				{"lang", value{typ: paramAlphaExt}, optional},
			}}, required},
		}, (*Server).createUsers},
		"enrol_manual_enrol_users": {single{
			{"enrolments", multiple{single{
				{"roleid", value{typ: paramInt}, required},
				{"userid", value{typ: paramInt}, required},
				{"courseid", value{typ: paramInt}, required},
				{"timestart", value{typ: paramInt}, optional},
				{"timeend", value{typ: paramInt}, optional},
				{"suspend", value{typ: paramInt}, optional},
			}}, required},
		}, (*Server).enrolUsers},
		"enrol_manual_unenrol_users": {single{
			{"enrolments", multiple{single{
				{"userid", value{typ: paramInt}, required},
				{"courseid", value{typ: paramInt}, required},
				{"roleid", value{typ: paramInt}, optional},
			}}, required},
		}, (*Server).unenrolUsers},
		"core_enrol_get_enrolled_users": {single{
			{"courseid", value{typ: paramInt}, required},
			{"options", multiple{single{
				{"name", value{typ: paramAlphaExt}, required},
				{"value", value{typ: paramRaw}, required},
			}}, optional},
		}, (*Server).enrolledUsers},
	}
}

package moodle

// The web service functions this client calls. The token's external
// service must offer all of them (see SiteInfo.Missing).
const (
	fnSiteInfo        = "core_webservice_get_site_info"
	fnCoursesByField  = "core_course_get_courses_by_field"
	fnDuplicateCourse = "core_course_duplicate_course"
	fnUpdateCourses   = "core_course_update_courses"
	fnDeleteCourses   = "core_course_delete_courses"
	fnUsersByField    = "core_user_get_users_by_field"
	fnCreateUsers     = "core_user_create_users"
	fnEnrol           = "enrol_manual_enrol_users"
	fnUnenrol         = "enrol_manual_unenrol_users"
	fnEnrolledUsers   = "core_enrol_get_enrolled_users"
)

// RequiredFunctions lists every function the client calls.
var RequiredFunctions = []string{
	fnSiteInfo, fnCoursesByField, fnDuplicateCourse, fnUpdateCourses, fnDeleteCourses,
	fnUsersByField, fnCreateUsers, fnEnrol, fnUnenrol, fnEnrolledUsers,
}

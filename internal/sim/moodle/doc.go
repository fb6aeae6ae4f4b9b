// Package moodle is an in-process simulator of a Moodle site's REST web
// service (POST /webservice/rest/server.php), faithful for the functions
// Labforge calls (see Functions): course lookup, duplication, visibility
// and deletion; user lookup and creation; manual enrolment and
// unenrolment; enrolled users with their roles; site info.
//
// Requests are form-encoded with wstoken, wsfunction and
// moodlewsrestformat=json; arrays use PHP bracket notation
// (courses[0][id]=5) and are parsed the way PHP does, keeping their order.
// Parameters are validated like external_api::validate_parameters: a
// missing required key, an unexpected key or a badly typed value is an
// invalid_parameter_exception. Errors are answered as Moodle does, with
// HTTP 200 and {"exception","errorcode","message"} ("debuginfo" only with
// Config.Debug): invalidtoken, invalidrecord (dml_missing_record_exception)
// for an unknown function, course or category, accessexception for a
// function the token's service does not offer, shortnametaken,
// wsusercannotassign, and so on. core_course_update_courses and
// core_course_delete_courses report per-course failures as warnings.
// Without moodlewsrestformat=json the answer is Moodle's XML.
//
// The stock roles exist with their stock ids (RoleStudent 5,
// RoleEditingTeacher 3, ...); manager, editingteacher, teacher and student
// may be given by a manual enrolment.
//
// Faults: Faults.ErrorRate answers a share of requests with a 5xx HTML page
// (from a seeded random source), Faults.Maintenance with Moodle's
// sitemaintenance exception, Faults.Latency delays every request;
// SetDown answers 503 to everything and Unplug/Plug close and reopen the
// listener so that connections are refused. Stats counts calls, statuses
// and exceptions; Courses, Users and Enrolments show the site's state.
//
// The server also answers a small admin API under /_sim/ (see serveAdmin).
// The package is imported as moodlesim beside Labforge's client,
// internal/moodle.
package moodle

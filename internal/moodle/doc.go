// Package moodle is Labforge's client for a Moodle site's web services,
// over the REST protocol (POST {site}/webservice/rest/server.php with
// wstoken, wsfunction and moodlewsrestformat=json; arrays in PHP bracket
// notation, courses[0][id]=5, written by a small encoder that keeps their
// order).
//
// It wraps exactly the functions the MoodleEnrolment workflow needs (see
// RequiredFunctions) as typed methods: SiteInfo, CourseByField,
// DuplicateCourse, UpdateCourseVisibility, DeleteCourses, UsersByField,
// CreateUsers, Enrol, Unenrol and EnrolledUsers. CopyCourse and
// EnsureUsers are their idempotent forms for activities: they look the
// course up by short name and the users by username before creating, and
// again when a concurrent or timed-out earlier attempt created them.
//
// Every error is an *Error whose Kind is a stable name. Moodle answers
// failures with HTTP 200 and {"exception","errorcode","message"}; the
// errorcode decides the kind (invalidtoken → InvalidToken, invalidparameter
// → InvalidParameter, invalidrecord → NotFound, shortnametaken →
// AlreadyExists, ...). Functions that report per-course failures as
// "warnings" return them as an *Error naming each course. Only Unavailable
// (network errors, timeouts, 5xx, maintenance mode, the breaker open) is
// retryable; an activity maps the rest to non-retryable Temporal errors:
//
//	var e *moodle.Error
//	if errors.As(err, &e) && !e.Retryable() {
//		return temporal.NewNonRetryableApplicationError(e.Error(), string(e.Kind), err)
//	}
//	return err
//
// Each Client talks to one site and has its own circuit breaker
// (internal/breaker) that opens after consecutive Unavailable failures.
// The token travels only in request bodies; it is never logged and never
// part of an error.
package moodle

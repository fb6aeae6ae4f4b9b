package moodle

import "fmt"

// exception is a Moodle exception as the REST server renders it: HTTP 200
// with {"exception","errorcode","message"} and, with debugging on,
// "debuginfo".
type exception struct {
	Class     string `json:"exception"`
	ErrorCode string `json:"errorcode"`
	Message   string `json:"message"`
	DebugInfo string `json:"debuginfo,omitempty"`
}

func (e *exception) Error() string { return e.ErrorCode + ": " + e.Message }

// invalidParameter is invalid_parameter_exception: its message is always
// the same sentence, the detail is in debuginfo.
func invalidParameter(debug string) *exception {
	return &exception{Class: "invalid_parameter_exception", ErrorCode: "invalidparameter",
		Message: "Invalid parameter value detected", DebugInfo: debug}
}

// missingRecord is dml_missing_record_exception for table, e.g. "course".
func missingRecord(table string) *exception {
	return &exception{Class: "dml_missing_record_exception", ErrorCode: "invalidrecord",
		Message: fmt.Sprintf("Can't find data record in database table %s.", table)}
}

// moodleException is a plain moodle_exception.
func moodleException(code, message string) *exception {
	return &exception{Class: "moodle_exception", ErrorCode: code, Message: message}
}

var (
	errInvalidToken = moodleException("invalidtoken", "Invalid token - token not found")
	errAccess       = &exception{Class: "webservice_access_exception", ErrorCode: "accessexception",
		Message: "Access control exception"}
	errNoFunction  = missingRecord("external_functions")
	errMaintenance = moodleException("sitemaintenance", "The site is undergoing maintenance and is currently not available")
)

// codingError is coding_exception, what Moodle throws on a broken invariant
// such as assigning a role to a user that does not exist.
func codingError(detail, debug string) *exception {
	return &exception{Class: "coding_exception", ErrorCode: "codingerror",
		Message: "Coding error detected, it must be fixed by a programmer: " + detail, DebugInfo: debug}
}

// noManualInstance is enrol_manual's wsnoinstance. Moodle passes the
// course id where a link belongs, so the placeholder stays unfilled.
var noManualInstance = moodleException("wsnoinstance",
	"Manual enrolment plugin instance doesn't exist or is disabled for the course (id = {$a->courseid})")

// warning is an entry of a function's "warnings" array.
type warning struct {
	Item        string `json:"item"`
	ItemID      int    `json:"itemid"`
	WarningCode string `json:"warningcode"`
	Message     string `json:"message"`
}

package moodle

import (
	"strconv"
	"strings"

	"github.com/labforge/labforge/internal/clienterr"
)

// Kind classifies a Moodle failure so callers can decide between retrying
// and giving up without reading message text. The values are stable:
// activities use them as Temporal application error types.
//
// A Kind is also an error, so errors.Is(err, moodle.NotFound) reports
// whether err is an *Error of that kind.
type Kind string

const (
	// Unavailable means the site could not serve the request: a network
	// error or timeout, an HTTP 5xx, 408 or 429, maintenance mode, a
	// database error on the site, or the site's circuit breaker is open.
	// The only retryable kind.
	Unavailable Kind = "Unavailable"
	// InvalidToken means the web service token is unknown, expired or
	// restricted to other addresses (errorcode invalidtoken).
	InvalidToken Kind = "InvalidToken"
	// AccessDenied means the token may not call the function, or its user
	// lacks a capability (accessexception, nopermissions,
	// wsusercannotassign, ...), or web services or the REST protocol are
	// off (HTTP 403).
	AccessDenied Kind = "AccessDenied"
	// InvalidParameter means Moodle rejected a parameter (invalidparameter,
	// invalidextparam): a missing or mistyped value, an unknown user id, a
	// username or e-mail that is taken. Moodle puts the detail in
	// debuginfo, which it sends only with debugging on.
	InvalidParameter Kind = "InvalidParameter"
	// NotFound means the course, category or other record does not exist
	// (invalidrecord, invalidcourseid, unknowncourseidnumber).
	NotFound Kind = "NotFound"
	// AlreadyExists means a course short name is taken (shortnametaken).
	AlreadyExists Kind = "AlreadyExists"
	// Failed is any other Moodle exception or warning.
	Failed Kind = "Failed"
	// Invalid means the request could not be made or the answer is not
	// Moodle's: a bad configuration (the URL is not a Moodle site, HTTP
	// 404), an argument rejected before sending, an undecodable answer.
	Invalid Kind = "Invalid"
	// Unknown is what KindOf reports for errors not from this package.
	Unknown Kind = "Unknown"
)

// Retryable reports whether an operation that failed with this kind may
// succeed when attempted again later without any change.
func (k Kind) Retryable() bool { return k == Unavailable }

// Error makes a Kind usable as a target of errors.Is.
func (k Kind) Error() string { return "moodle: " + string(k) }

// Error is a classified Moodle failure. Its text never contains the token.
type Error struct {
	Kind Kind
	// Op names the client method, e.g. "DuplicateCourse".
	Op string
	// Function is the web service function called.
	Function string
	// Status is the HTTP status of an answer other than 200, else 0.
	Status int
	// Exception is Moodle's exception class, e.g. "invalid_parameter_exception".
	Exception string
	// Code is Moodle's errorcode, or the warningcode of the first warning.
	Code string
	// Message is Moodle's message (for warnings, naming the items).
	Message string
	// DebugInfo is Moodle's debuginfo, sent only with debugging on.
	DebugInfo string
	// Warnings are the warnings of a function that reports per-item
	// failures (core_course_update_courses, core_course_delete_courses).
	Warnings []Warning
	// Err is the underlying error, if any.
	Err error
}

// Warning is one entry of a function's "warnings": a failure concerning
// one item, such as a course that could not be updated.
type Warning struct {
	Item    string `json:"item"`
	ItemID  int    `json:"itemid"`
	Code    string `json:"warningcode"`
	Message string `json:"message"`
}

// Error renders the error for logs and operators.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("moodle")
	if e.Function != "" {
		b.WriteString(" " + e.Function)
	} else if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	b.WriteString(": ")
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	b.WriteString(msg)
	if e.DebugInfo != "" {
		b.WriteString(" (" + e.DebugInfo + ")")
	}
	b.WriteString(" [" + string(e.Kind))
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Status != 0 {
		b.WriteString(" " + strconv.Itoa(e.Status))
	}
	b.WriteString("]")
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, or an *Error with the same Kind.
func (e *Error) Is(target error) bool { return clienterr.SameKind(e.Kind, target, kindOfError) }

// kindOfError is e's Kind ("" for nil).
func kindOfError(e *Error) Kind {
	if e == nil {
		return ""
	}
	return e.Kind
}

// Retryable reports whether the failed operation may succeed if retried.
func (e *Error) Retryable() bool { return e.Kind.Retryable() }

// KindOf returns the Kind of err: "" for nil, the kind of an *Error in its
// chain, Unavailable for context cancellation and deadlines, Unknown
// otherwise.
func KindOf(err error) Kind { return clienterr.KindOf(err, kindOfError, Unavailable, Unknown) }

// IsRetryable reports whether err is a retryable Moodle failure.
func IsRetryable(err error) bool { return KindOf(err).Retryable() }

// codeKinds classifies Moodle errorcodes and warningcodes.
var codeKinds = map[string]Kind{
	"invalidtoken":          InvalidToken,
	"invalidtokensession":   InvalidToken,
	"invalidtimedtoken":     InvalidToken,
	"invalidiptoken":        InvalidToken,
	"accessexception":       AccessDenied,
	"nopermissions":         AccessDenied,
	"requireloginerror":     AccessDenied,
	"servicerequireslogin":  AccessDenied,
	"servicenotavailable":   AccessDenied,
	"wsusercannotassign":    AccessDenied,
	"wscannotenrol":         AccessDenied,
	"wscannotunenrol":       AccessDenied,
	"cannotdeletecourse":    AccessDenied,
	"invalidparameter":      InvalidParameter,
	"invalidextparam":       InvalidParameter,
	"errorinvalidparam":     InvalidParameter,
	"invalidrecord":         NotFound,
	"invalidcourseid":       NotFound,
	"unknowncourseidnumber": NotFound,
	"shortnametaken":        AlreadyExists,
	"sitemaintenance":       Unavailable,
	"dmlreadexception":      Unavailable,
	"dmlwriteexception":     Unavailable,
	"dbconnectionfailed":    Unavailable,
}

// codeKind classifies an errorcode or warningcode.
func codeKind(code string) Kind {
	if k, ok := codeKinds[code]; ok {
		return k
	}
	return Failed
}

// invalidArg is a local validation error of kind Invalid.
func invalidArg(op, msg string) *Error {
	return &Error{Kind: Invalid, Op: op, Message: msg}
}

package guacamole

import (
	"encoding/json"
	"net/http"
)

// Guacamole's error types (org.apache.guacamole.rest.APIError.Type) and the
// HTTP status each answers with.
const (
	typeBadRequest         = "BAD_REQUEST"
	typeInvalidCredentials = "INVALID_CREDENTIALS"
	typePermissionDenied   = "PERMISSION_DENIED"
	typeNotFound           = "NOT_FOUND"
	typeInternalError      = "INTERNAL_ERROR"
)

var typeStatus = map[string]int{
	typeBadRequest:         http.StatusBadRequest,
	typeInvalidCredentials: http.StatusForbidden,
	typePermissionDenied:   http.StatusForbidden,
	typeNotFound:           http.StatusNotFound,
	typeInternalError:      http.StatusInternalServerError,
}

// Messages the real server uses for the failures simulated here.
const (
	msgTokenDenied = "Permission Denied."         // unknown or expired token
	msgForbidden   = "Permission denied."         // the user lacks a permission
	msgInternal    = "Unexpected internal error." // anything unexpected
	msgInvalid     = "Invalid login."             // wrong username or password
	keyUntrans     = "APP.TEXT_UNTRANSLATED"      // translation key of plain messages
	keyInvalid     = "LOGIN.ERROR_INVALID_LOGIN"  // translation key of msgInvalid
)

// apiError is Guacamole's error object, field for field.
type apiError struct {
	Message             string       `json:"message"`
	TranslatableMessage translatable `json:"translatableMessage"`
	StatusCode          *int         `json:"statusCode"`
	Expected            []field      `json:"expected"`
	Patches             any          `json:"patches"`
	Type                string       `json:"type"`
}

type translatable struct {
	Key       string            `json:"key"`
	Variables map[string]string `json:"variables"`
}

// field is a credential the server expects (org.apache.guacamole.form.Field).
type field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// writeError answers with an error of type typ carrying an untranslated
// message, as GuacamoleExceptionMapper renders a GuacamoleException.
func writeError(w http.ResponseWriter, typ, msg string) {
	writeAPIError(w, apiError{Message: msg, Type: typ,
		TranslatableMessage: translatable{Key: keyUntrans, Variables: map[string]string{"MESSAGE": msg}}})
}

// writeInvalidLogin answers a sign-in with wrong credentials.
func writeInvalidLogin(w http.ResponseWriter) {
	writeAPIError(w, apiError{Message: msgInvalid, Type: typeInvalidCredentials,
		TranslatableMessage: translatable{Key: keyInvalid},
		Expected:            []field{{Name: "username", Type: "USERNAME"}, {Name: "password", Type: "PASSWORD"}}})
}

func writeAPIError(w http.ResponseWriter, e apiError) {
	writeJSON(w, typeStatus[e.Type], e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

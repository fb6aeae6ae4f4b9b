package domain

import (
	"net/mail"
	"regexp"
	"strings"
)

// Validator collects field-level problems so that a caller sees every bad
// field of a request at once rather than one per attempt.
type Validator struct {
	fields map[string]string
}

// Check records message for field unless ok holds. The first problem
// recorded for a field wins.
func (v *Validator) Check(ok bool, field, message string) {
	if ok {
		return
	}
	if v.fields == nil {
		v.fields = make(map[string]string)
	}
	if _, seen := v.fields[field]; !seen {
		v.fields[field] = message
	}
}

// Valid reports whether no problem has been recorded.
func (v *Validator) Valid() bool { return len(v.fields) == 0 }

// Err returns an error of kind KindInvalid naming every bad field, or nil.
func (v *Validator) Err() error {
	if v.Valid() {
		return nil
	}
	return &Error{Kind: KindInvalid, Message: "the request has invalid fields", Fields: v.fields}
}

var (
	usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)
	hostnamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	slugPattern     = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// ValidUsername reports whether s is a login name: 2 to 63 characters,
// lower-case letters, digits, dot, underscore or hyphen, starting with a
// letter or digit.
func ValidUsername(s string) bool { return usernamePattern.MatchString(s) }

// ValidHostname reports whether s is a single RFC 1123 DNS label in lower case.
func ValidHostname(s string) bool { return hostnamePattern.MatchString(s) }

// ValidSlug reports whether s is a short machine name (cluster, storage,
// bridge): lower-case letters, digits and inner hyphens, up to 63 characters.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidEmail reports whether s is a bare e-mail address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, "@")
}

// ValidDisplayText reports whether s is non-blank, at most max runes and
// free of control characters.
func ValidDisplayText(s string, max int) bool {
	if strings.TrimSpace(s) == "" || len([]rune(s)) > max {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

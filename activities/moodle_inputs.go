package activities

import (
	"strings"

	"github.com/labforge/labforge/domain"
)

// MoodleUserOf is how a Labforge user is known to Moodle: the same
// username and e-mail, the display name split into first and last names
// at its last space (a one-word name is the first name).
func MoodleUserOf(u domain.User) MoodleUser {
	name := strings.TrimSpace(u.DisplayName)
	first, last := name, ""
	if i := strings.LastIndexByte(name, ' '); i > 0 {
		first, last = strings.TrimSpace(name[:i]), name[i+1:]
	}
	return MoodleUser{Username: u.Username, Firstname: first, Lastname: last, Email: u.Email}
}

package moodle

import (
	"log/slog"
	"time"
)

// DefaultToken is the web service token of DefaultSeed's service, a 32-digit
// hex string like the tokens Moodle issues.
const DefaultToken = "1abf0c9e5d1c4e2a8b7f6a3d2c1b0e9f"

// Functions are the web service functions the simulator implements.
var Functions = []string{
	"core_webservice_get_site_info",
	"core_course_get_courses_by_field",
	"core_course_duplicate_course",
	"core_course_update_courses",
	"core_course_delete_courses",
	"core_user_get_users_by_field",
	"core_user_create_users",
	"enrol_manual_enrol_users",
	"enrol_manual_unenrol_users",
	"core_enrol_get_enrolled_users",
}

// Config configures a simulator. The zero value serves DefaultSeed with
// DefaultToken.
type Config struct {
	// Seed is the initial site; nil means DefaultSeed().
	Seed *Seed
	// Token is the only valid wstoken; empty means DefaultToken.
	Token string
	// TokenUser is the username the token belongs to; empty means "admin".
	TokenUser string
	// ServiceFunctions are the functions the token's external service
	// offers; calling another known function is an accessexception. Nil
	// means every function in Functions.
	ServiceFunctions []string
	// Debug adds "debuginfo" to exceptions, as Moodle does with debugging
	// set to DEVELOPER.
	Debug bool
	// Faults are injected failures; they can be changed later with SetFaults.
	Faults Faults
	// RandomSeed makes injected faults reproducible.
	RandomSeed uint64
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
}

// Faults are failures the simulator injects.
type Faults struct {
	// ErrorRate is the probability in [0,1] that a request answers
	// ErrorStatus with an HTML error page instead of being served, as a
	// web server in front of an overloaded PHP does.
	ErrorRate float64 `json:"error_rate,omitempty"`
	// ErrorStatus is the status of injected errors; default 503.
	ErrorStatus int `json:"error_status,omitempty"`
	// Maintenance answers every call with Moodle's sitemaintenance
	// exception (HTTP 200), as a site in maintenance mode does.
	Maintenance bool `json:"maintenance,omitempty"`
	// Latency is added to every request.
	Latency time.Duration `json:"latency,omitempty"`
}

// Seed is the initial content of a simulated site.
type Seed struct {
	SiteName   string
	Release    string
	Version    string
	Categories []SeedCategory
	Courses    []SeedCourse
	Users      []SeedUser
}

// SeedCategory is a course category.
type SeedCategory struct {
	ID   int
	Name string
}

// SeedCourse is a course present at start, typically a template to
// duplicate. ID 0 takes the next free id (from 2; 1 is the site).
type SeedCourse struct {
	ID         int
	Shortname  string
	Fullname   string
	CategoryID int // 0 means 1
	Hidden     bool
	Summary    string
}

// SeedUser is a user present at start. ID 0 takes the next free id.
type SeedUser struct {
	ID        int
	Username  string
	Firstname string
	Lastname  string
	Email     string
	Auth      string // default "manual"
}

// DefaultTemplateShortname is the template course of DefaultSeed.
const DefaultTemplateShortname = "LAB-TEMPLATE"

// DefaultSeed is a fresh Moodle site: the guest and admin users, the
// default category and one template course, LAB-TEMPLATE (id 2).
func DefaultSeed() Seed {
	return Seed{
		SiteName:   "Labforge Moodle (simulated)",
		Release:    "4.5.3 (Build: 20250317)",
		Version:    "2024100703",
		Categories: []SeedCategory{{ID: 1, Name: "Category 1"}},
		Courses: []SeedCourse{{ID: 2, Shortname: DefaultTemplateShortname, Fullname: "Lab template course",
			Hidden: true, Summary: "Template duplicated for each lab event."}},
		Users: []SeedUser{
			{ID: 1, Username: "guest", Firstname: "Guest user", Lastname: " ", Email: "root@localhost"},
			{ID: 2, Username: "admin", Firstname: "Admin", Lastname: "User", Email: "admin@example.com"},
		},
	}
}

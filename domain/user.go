package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Role names seeded at first start. Roles bundle permissions; a user holds
// one or more of them.
const (
	RoleAdmin       = "admin"
	RoleInstructor  = "instructor"
	RoleParticipant = "participant"
)

// BuiltinRoles lists the roles every installation has.
var BuiltinRoles = []string{RoleAdmin, RoleInstructor, RoleParticipant}

// Role is a named bundle of permissions.
type Role struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Builtin     bool   `json:"builtin"`
}

// AuthSource says where a user's credentials live.
type AuthSource string

// Supported authentication sources.
const (
	AuthLocal AuthSource = "local"
	AuthLDAP  AuthSource = "ldap"
	AuthOIDC  AuthSource = "oidc"
)

// User is a person (or script) who signs in to Labforge.
type User struct {
	ID           uuid.UUID  `json:"id"`
	Username     string     `json:"username"`
	Email        string     `json:"email"`
	DisplayName  string     `json:"display_name"`
	Source       AuthSource `json:"source"`
	Roles        []string   `json:"roles"`
	Disabled     bool       `json:"disabled"`
	PasswordHash string     `json:"-"`
	// TokenVersion is raised whenever the user is disabled or their
	// password or roles change; access tokens carry the version they were
	// issued under and are refused once it is no longer current.
	TokenVersion int64     `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// HasRole reports whether the user holds the named role.
func (u *User) HasRole(name string) bool {
	for _, r := range u.Roles {
		if r == name {
			return true
		}
	}
	return false
}

// Validate checks the user's own fields; it does not check the password.
func (u *User) Validate() error {
	var v Validator
	v.Check(ValidUsername(u.Username), "username", "must be 2-63 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
	v.Check(ValidEmail(u.Email), "email", "must be an e-mail address such as ada@example.org")
	v.Check(u.DisplayName == "" || ValidDisplayText(u.DisplayName, 200), "display_name", "must be at most 200 printable characters")
	v.Check(u.Source == AuthLocal || u.Source == AuthLDAP || u.Source == AuthOIDC, "source", "must be one of local, ldap, oidc")
	v.Check(len(u.Roles) > 0, "roles", "must name at least one role")
	for _, r := range u.Roles {
		v.Check(ValidSlug(r), "roles", "role names are lower-case letters, digits and hyphens")
	}
	return v.Err()
}

// MinPasswordLength is the shortest password a local account accepts.
const MinPasswordLength = 12

// ValidatePassword checks a new local password: 12 to 256 characters and
// not one of the most common passwords (see CommonPassword). Every way to
// set a password (user creation, invitation, reset, change) goes through it.
func ValidatePassword(field, password string) error {
	var v Validator
	switch {
	case len(password) < MinPasswordLength:
		v.Check(false, field, "must be at least 12 characters")
	case len(password) > 256:
		v.Check(false, field, "must be at most 256 characters")
	case CommonPassword(password):
		v.Check(false, field, "is one of the most commonly used passwords; choose another")
	}
	return v.Err()
}

// UserStore keeps users and their role memberships.
type UserStore interface {
	// CreateUser stores u, assigning ID and timestamps. It returns
	// KindConflict when the username or e-mail is taken and KindInvalid when
	// a role does not exist.
	CreateUser(ctx context.Context, u *User) error
	// FindUserByID returns the user or an error of KindNotFound.
	FindUserByID(ctx context.Context, id uuid.UUID) (*User, error)
	// FindUserByUsername returns the user or an error of KindNotFound.
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// ListUsers returns users ordered by username, and the cursor of the next page ("" at the end).
	ListUsers(ctx context.Context, page Page) ([]User, string, error)
	// UpdateUser stores every field of u (roles included) and refreshes
	// UpdatedAt. It returns KindNotFound or KindConflict.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user, their roles, group memberships and
	// personal permissions. It returns KindNotFound, or KindConflict while
	// the user still owns environments, events, VMs or containers.
	DeleteUser(ctx context.Context, id uuid.UUID) error
	// CountUsersWithRole counts enabled users holding the role.
	CountUsersWithRole(ctx context.Context, role string) (int, error)
	// LookupUsers returns at most l.Limit enabled users whose username,
	// display name (or a word in it) or e-mail address starts with
	// l.Query, compared case-insensitively and literally (% and _ are
	// no wildcards): the user named exactly l.Query first, then those
	// whose username starts with it, then the others, each by username.
	// l must be valid (UserLookup.Validate).
	LookupUsers(ctx context.Context, l UserLookup) ([]UserSummary, error)
}

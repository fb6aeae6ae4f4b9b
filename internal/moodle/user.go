package moodle

import (
	"context"
	"errors"
	"slices"
	"strings"
)

// Fields core_user_get_users_by_field searches by.
const (
	UserFieldID       = "id"
	UserFieldIDNumber = "idnumber"
	UserFieldUsername = "username"
	UserFieldEmail    = "email"
)

// User is a Moodle user.
type User struct {
	ID        int    `json:"id"`
	Username  string `json:"username"`
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
	Fullname  string `json:"fullname"`
	Email     string `json:"email"`
	Auth      string `json:"auth"`
	IDNumber  string `json:"idnumber"`
	Suspended bool   `json:"suspended"`
}

// UsersByField calls core_user_get_users_by_field and returns the users
// whose field (UserFieldUsername, ...) is one of values; values matching
// nobody are left out, not an error.
func (c *Client) UsersByField(ctx context.Context, field string, values ...string) ([]User, error) {
	if len(values) == 0 {
		return nil, nil
	}
	params := struct {
		Field  string   `moodle:"field"`
		Values []string `moodle:"values"`
	}{field, values}
	var out []User
	if err := c.call(ctx, "UsersByField", fnUsersByField, params, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// NewUser is a user to create. Moodle wants Username in lower case and
// either a Password meeting the site's policy or CreatePassword (Moodle
// then e-mails one); Auth defaults to "manual".
type NewUser struct {
	Username       string `moodle:"username"`
	Firstname      string `moodle:"firstname"`
	Lastname       string `moodle:"lastname"`
	Email          string `moodle:"email"`
	Auth           string `moodle:"auth,omitempty"`
	Password       string `moodle:"password,omitempty"`
	CreatePassword bool   `moodle:"createpassword,omitempty"`
	IDNumber       string `moodle:"idnumber,omitempty"`
}

// CreatedUser is a user core_user_create_users made.
type CreatedUser struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
}

// CreateUsers calls core_user_create_users. Moodle creates all or none;
// a taken username or e-mail is InvalidParameter (the reason is only in
// debuginfo), so look users up first: see EnsureUsers.
func (c *Client) CreateUsers(ctx context.Context, users []NewUser) ([]CreatedUser, error) {
	if len(users) == 0 {
		return nil, nil
	}
	params := struct {
		Users []NewUser `moodle:"users"`
	}{users}
	var out []CreatedUser
	if err := c.call(ctx, "CreateUsers", fnCreateUsers, params, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// EnsureUsers returns the id of each user by (lower-cased) username,
// creating those that do not exist yet. It looks them up by username
// first, so running it again after a partial failure creates nobody twice;
// when another caller creates one of them in between (Moodle then rejects
// the batch as InvalidParameter), it looks them up again.
func (c *Client) EnsureUsers(ctx context.Context, users []NewUser) (map[string]int, error) {
	users = slices.Clone(users)
	names := make([]string, 0, len(users))
	for i := range users {
		users[i].Username = strings.ToLower(strings.TrimSpace(users[i].Username))
		if users[i].Username == "" {
			return nil, invalidArg("EnsureUsers", "a user has no username")
		}
		names = append(names, users[i].Username)
	}
	ids, err := c.userIDs(ctx, names)
	if err != nil {
		return nil, err
	}
	var missing []NewUser
	for _, u := range users {
		if _, ok := ids[u.Username]; !ok {
			missing = append(missing, u)
			ids[u.Username] = 0 // a username listed twice is created once
		}
	}
	created, err := c.CreateUsers(ctx, missing)
	if errors.Is(err, InvalidParameter) {
		again, lookupErr := c.userIDs(ctx, names)
		if lookupErr == nil && len(again) == len(ids) {
			return again, nil
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	for _, u := range created {
		ids[u.Username] = u.ID
	}
	return ids, nil
}

// userIDs looks users up by username.
func (c *Client) userIDs(ctx context.Context, names []string) (map[string]int, error) {
	found, err := c.UsersByField(ctx, UserFieldUsername, names...)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int, len(names))
	for _, u := range found {
		ids[u.Username] = u.ID
	}
	return ids, nil
}

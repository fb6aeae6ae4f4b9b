package moodle

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// userOut is a user as core_user_get_users_by_field returns it.
type userOut struct {
	ID                   int    `json:"id"`
	Username             string `json:"username"`
	Firstname            string `json:"firstname"`
	Lastname             string `json:"lastname"`
	Fullname             string `json:"fullname"`
	Email                string `json:"email"`
	IDNumber             string `json:"idnumber,omitempty"`
	Department           string `json:"department"`
	FirstAccess          int64  `json:"firstaccess"`
	LastAccess           int64  `json:"lastaccess"`
	Auth                 string `json:"auth"`
	Suspended            bool   `json:"suspended"`
	Confirmed            bool   `json:"confirmed"`
	Lang                 string `json:"lang"`
	Theme                string `json:"theme"`
	Timezone             string `json:"timezone"`
	MailFormat           int    `json:"mailformat"`
	Description          string `json:"description"`
	DescriptionFormat    int    `json:"descriptionformat"`
	ProfileImageURLSmall string `json:"profileimageurlsmall"`
	ProfileImageURL      string `json:"profileimageurl"`
}

func (s *Server) userOut(u *user) userOut {
	pic := s.wwwroot() + "/theme/image.php/boost/core/1/u/"
	return userOut{
		ID: u.id, Username: u.username, Firstname: u.firstname, Lastname: u.lastname, Fullname: u.fullname(),
		Email: u.email, IDNumber: u.idnumber, Auth: u.auth, Suspended: u.suspended, Confirmed: true,
		Lang: "en", Timezone: "99", MailFormat: 1, DescriptionFormat: 1,
		ProfileImageURLSmall: pic + "f2", ProfileImageURL: pic + "f1",
	}
}

func (s *Server) usersByField(a args) (any, *exception) {
	field := a.str("field")
	if !oneOf(field, "id", "idnumber", "username", "email") {
		return nil, invalidParameter("Field not valid: " + field)
	}
	out := []userOut{}
	for _, v := range a.strs("values") {
		for _, id := range s.st.sortedUserIDs() {
			u := s.st.users[id]
			var hit bool
			switch field {
			case "id":
				hit = u.id == cleanInt(v)
			case "idnumber":
				hit = v != "" && u.idnumber == v
			case "username":
				hit = u.username == strings.ToLower(strings.TrimSpace(v))
			case "email":
				hit = strings.EqualFold(u.email, v)
			}
			if hit && !slices.ContainsFunc(out, func(o userOut) bool { return o.ID == u.id }) {
				out = append(out, s.userOut(u))
			}
		}
	}
	return out, nil
}

// internalAuth are the stock plugins that keep passwords in Moodle.
var internalAuth = []string{"manual", "email", "nologin", "webservice"}

// authPlugins are the authentication plugins of a stock Moodle.
var authPlugins = []string{"manual", "nologin", "email", "cas", "db", "ldap", "lti", "mnet", "oauth2", "shibboleth", "webservice"}

func (s *Server) createUsers(a args) (any, *exception) {
	in := a.list("users")
	// All or nothing, as in Moodle's delegated transaction: check every
	// user before creating any.
	seen := map[string]bool{}
	emails := map[string]bool{}
	for _, u := range in {
		name, email := u.str("username"), strings.ToLower(u.str("email"))
		if !oneOf(u.str("auth"), authPlugins...) {
			return nil, invalidParameter("Invalid authentication type: " + u.str("auth"))
		}
		if email == "" {
			return nil, invalidParameter("Email address is invalid: ")
		}
		if seen[name] || s.st.userByUsername(name) != nil {
			return nil, invalidParameter("Username already exists: " + name)
		}
		seen[name] = true
		if emails[email] || s.emailTaken(email) {
			return nil, invalidParameter("Email address already exists: " + u.str("email"))
		}
		emails[email] = true
		// Internal authentication keeps a password: one must be given
		// (and meet the policy), or Moodle told to create it.
		if oneOf(u.str("auth"), internalAuth...) && u.int("createpassword") == 0 {
			if u.str("password") == "" {
				return nil, invalidParameter("Invalid password: you must provide a password, or set createpassword.")
			}
			if msg := passwordPolicy(u.str("password")); msg != "" {
				return nil, invalidParameter(msg)
			}
		}
	}
	type created struct {
		ID       int    `json:"id"`
		Username string `json:"username"`
	}
	out := make([]created, 0, len(in))
	for _, u := range in {
		nu := &user{id: s.st.nextUser, username: u.str("username"), firstname: u.str("firstname"),
			lastname: u.str("lastname"), email: u.str("email"), auth: u.str("auth"), idnumber: u.str("idnumber")}
		s.st.nextUser++
		s.st.users[nu.id] = nu
		out = append(out, created{nu.id, nu.username})
	}
	return out, nil
}

func (s *Server) emailTaken(email string) bool {
	for _, u := range s.st.users {
		if strings.EqualFold(u.email, email) {
			return true
		}
	}
	return false
}

// passwordPolicy applies Moodle's default password policy and returns its
// complaint, or "".
func passwordPolicy(p string) string {
	var msgs []string
	var digits, lower, upper, other int
	for _, r := range p {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsLower(r):
			lower++
		case unicode.IsUpper(r):
			upper++
		default:
			other++
		}
	}
	if len([]rune(p)) < 8 {
		msgs = append(msgs, "Passwords must be at least 8 characters long.")
	}
	if digits < 1 {
		msgs = append(msgs, "Passwords must have at least 1 digit(s).")
	}
	if lower < 1 {
		msgs = append(msgs, "Passwords must have at least 1 lower case letter(s).")
	}
	if upper < 1 {
		msgs = append(msgs, "Passwords must have at least 1 upper case letter(s).")
	}
	if other < 1 {
		msgs = append(msgs, "The password must have at least 1 special character(s) such as *, -, or #.")
	}
	out := ""
	for _, m := range msgs {
		out += "<div>" + m + "</div>"
	}
	return out
}

// idText renders an id for messages.
func idText(id int) string { return strconv.Itoa(id) }

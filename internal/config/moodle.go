package config

import (
	"net/url"
	"time"
)

// MoodleEnabled reports whether a Moodle site is configured.
func (c *Config) MoodleEnabled() bool { return c.MoodleURL != "" }

// validateMoodle checks the Moodle settings when Moodle is on.
func (c *Config) validateMoodle(bad func(field, format string, args ...any)) {
	if !c.MoodleEnabled() {
		return
	}
	if u, err := url.Parse(c.MoodleURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("MoodleURL", "must be the site's http(s) address such as https://moodle.example.edu, or empty to turn Moodle off")
	}
	if c.MoodleToken == "" {
		bad("MoodleToken", "is not set; create a web service token for Labforge's external service in Moodle (Site administration > Server > Web services > Manage tokens)")
	}
	if c.MoodleTimeout < time.Second || c.MoodleTimeout > 10*time.Minute {
		bad("MoodleTimeout", "is %s; use 1s to 10m", c.MoodleTimeout)
	}
	if !validAuthPlugin(c.MoodleUserAuth) {
		bad("MoodleUserAuth", "must name a Moodle authentication plugin such as manual, ldap, oauth2, cas or shibboleth")
	}
	if c.MoodleDuplicateTimeout < time.Minute || c.MoodleDuplicateTimeout > 2*time.Hour {
		bad("MoodleDuplicateTimeout", "is %s; use 1m to 2h", c.MoodleDuplicateTimeout)
	}
}

// validAuthPlugin reports whether s can be a Moodle authentication
// plugin's name: 1-30 lower-case letters, digits and underscores.
func validAuthPlugin(s string) bool {
	if len(s) == 0 || len(s) > 30 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

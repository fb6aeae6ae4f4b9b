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
	if c.MoodleDuplicateTimeout < time.Minute || c.MoodleDuplicateTimeout > 2*time.Hour {
		bad("MoodleDuplicateTimeout", "is %s; use 1m to 2h", c.MoodleDuplicateTimeout)
	}
}

package app

import (
	"log/slog"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/guacamole"
	"github.com/labforge/labforge/internal/moodle"
)

// guacamoleActivities builds the Guacamole activities of a core worker:
// with a client when LABFORGE_GUACAMOLE_URL is set, else without one (they
// then skip). The settings were checked when the configuration was loaded.
func (p *Platform) guacamoleActivities() *activities.Guacamole {
	a := &activities.Guacamole{Store: p.DB, Logger: p.Logger}
	// The keyring was checked when the configuration was loaded; without
	// LABFORGE_SECRET_KEY it is nil and sealed passwords cannot be opened.
	a.Keyring, _ = p.Config.Keyring()
	if p.Config.GuacamoleURL == "" {
		p.Logger.Info("Guacamole is not configured; events get no remote-desktop connections",
			slog.String("setting", config.VariableOf("GuacamoleURL")))
		return a
	}
	c, err := guacamole.New(guacamole.Config{URL: p.Config.GuacamoleURL, PublicURL: p.Config.GuacamolePublicURL, Username: p.Config.GuacamoleUsername,
		Password: p.Config.GuacamolePassword, Logger: p.Logger})
	if err != nil {
		p.Logger.Error("Guacamole is off: its settings are unusable", slog.Any("error", err))
		return a
	}
	a.Client = c
	return a
}

// moodleActivities builds the Moodle activities of a core worker: with a
// client when LABFORGE_MOODLE_URL is set, else without one (they then skip).
func (p *Platform) moodleActivities() *activities.Moodle {
	a := &activities.Moodle{Store: p.DB, Snapshots: p.DB, DeleteCourses: p.Config.MoodleDeleteCourses,
		UserAuth: p.Config.MoodleUserAuth, Logger: p.Logger}
	if !p.Config.MoodleEnabled() {
		p.Logger.Info("Moodle is not configured; events get no course",
			slog.String("setting", config.VariableOf("MoodleURL")))
		return a
	}
	c, err := moodle.New(moodle.Config{URL: p.Config.MoodleURL, Token: p.Config.MoodleToken, Timeout: p.Config.MoodleTimeout,
		DuplicateTimeout: p.Config.MoodleDuplicateTimeout, Logger: p.Logger})
	if err != nil {
		p.Logger.Error("Moodle is off: its settings are unusable", slog.Any("error", err))
		return a
	}
	a.Client = c
	return a
}

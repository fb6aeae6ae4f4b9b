package devstack

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	guacsim "github.com/labforge/labforge/internal/sim/guacamole"
	moodlesim "github.com/labforge/labforge/internal/sim/moodle"
)

// Port settings of the dev stack's Guacamole and Moodle simulators.
const (
	GuacamolePortVariable = "LABFORGE_DEV_GUACAMOLE_PORT"
	MoodlePortVariable    = "LABFORGE_DEV_MOODLE_PORT"
)

// serviceSims are the dev stack's Guacamole and Moodle simulators. Either
// is nil when the environment points the platform at a real service
// (LABFORGE_GUACAMOLE_URL, LABFORGE_MOODLE_URL): the dev stack then leaves
// that service's settings alone.
type serviceSims struct {
	Guacamole *guacsim.Server
	Moodle    *moodlesim.Server
	// GuacamoleURL and MoodleURL are the configured services' addresses
	// when the simulators are not used.
	GuacamoleURL, MoodleURL string
}

// startServiceSims starts, on 127.0.0.1, the Guacamole simulator (unless
// LABFORGE_GUACAMOLE_URL is set) and the Moodle simulator with its default
// site and template course (unless LABFORGE_MOODLE_URL is set). On error
// it stops what it started.
func startServiceSims(ctx context.Context, s Settings, environ []string, logger *slog.Logger) (*serviceSims, error) {
	sims := &serviceSims{GuacamoleURL: lookupEnv(environ, "LABFORGE_GUACAMOLE_URL"), MoodleURL: lookupEnv(environ, "LABFORGE_MOODLE_URL")}
	if sims.GuacamoleURL == "" {
		if err := checkPortFree("127.0.0.1", s.GuacamolePort, "Guacamole simulator", GuacamolePortVariable); err != nil {
			return nil, err
		}
		g, err := guacsim.NewServer(guacsim.Config{Logger: logger.With(slog.String("component", "guacsim"))})
		if err == nil {
			err = g.Start(ctx, "127.0.0.1:"+strconv.Itoa(s.GuacamolePort))
		}
		if err != nil {
			return nil, fmt.Errorf("start the Guacamole simulator on port %d (%s): %w", s.GuacamolePort, GuacamolePortVariable, err)
		}
		sims.Guacamole = g
	}
	if sims.MoodleURL == "" {
		if err := checkPortFree("127.0.0.1", s.MoodlePort, "Moodle simulator", MoodlePortVariable); err != nil {
			sims.Stop()
			return nil, err
		}
		m, err := moodlesim.NewServer(moodlesim.Config{Logger: logger.With(slog.String("component", "moodlesim"))})
		if err == nil {
			err = m.Start("127.0.0.1:" + strconv.Itoa(s.MoodlePort))
		}
		if err != nil {
			sims.Stop()
			return nil, fmt.Errorf("start the Moodle simulator on port %d (%s): %w", s.MoodlePort, MoodlePortVariable, err)
		}
		sims.Moodle = m
	}
	return sims, nil
}

// Env points the platform's LABFORGE_GUACAMOLE_* and LABFORGE_MOODLE_*
// settings at the simulators that run.
func (s *serviceSims) Env() []string {
	var env []string
	if s.Guacamole != nil {
		user, password := s.Guacamole.AdminCredentials()
		env = append(env, "LABFORGE_GUACAMOLE_URL="+s.Guacamole.URL(), "LABFORGE_GUACAMOLE_USERNAME="+user,
			"LABFORGE_GUACAMOLE_PASSWORD="+password)
	}
	if s.Moodle != nil {
		env = append(env, "LABFORGE_MOODLE_URL="+s.Moodle.URL(), "LABFORGE_MOODLE_TOKEN="+s.Moodle.Token())
	}
	return env
}

// Stop stops the simulators that run.
func (s *serviceSims) Stop() {
	if s.Guacamole != nil {
		s.Guacamole.Close()
	}
	if s.Moodle != nil {
		s.Moodle.Close()
	}
}

// bannerLines tell where Guacamole and Moodle are and how to sign in.
func (s *serviceSims) bannerLines() string {
	var out string
	if s.Guacamole != nil {
		user, password := s.Guacamole.AdminCredentials()
		out += fmt.Sprintf("  Guacamole (sim)  %s/api   admin %s / %s, data source %s\n", s.Guacamole.URL(), user, password,
			s.Guacamole.DataSource())
	} else {
		out += fmt.Sprintf("  Guacamole        %s   (LABFORGE_GUACAMOLE_URL)\n", s.GuacamoleURL)
	}
	if s.Moodle != nil {
		out += fmt.Sprintf("  Moodle (sim)     %s%s   wstoken %s, template course 2 (%s)\n", s.Moodle.URL(), moodlesim.RESTPath,
			s.Moodle.Token(), moodlesim.DefaultTemplateShortname)
	} else {
		out += fmt.Sprintf("  Moodle           %s   (LABFORGE_MOODLE_URL)\n", s.MoodleURL)
	}
	return out
}

package devstack

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/internal/config"
	"github.com/labforge/labforge/internal/guacamole"
	"github.com/labforge/labforge/internal/moodle"
)

// TestServiceSimsConfigureThePlatform starts the Guacamole and Moodle
// simulators as the dev stack does and signs in to both with the settings
// it hands the platform.
func TestServiceSimsConfigureThePlatform(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	sims, err := startServiceSims(ctx, Settings{}, nil, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(sims.Stop)

	cfg, err := config.LoadFrom(append([]string{"LABFORGE_JWT_SECRET=" + strings.Repeat("x", 32)}, sims.Env()...))
	require.NoError(t, err)
	require.True(t, cfg.MoodleEnabled())
	g, err := guacamole.New(guacamole.Config{URL: cfg.GuacamoleURL, Username: cfg.GuacamoleUsername, Password: cfg.GuacamolePassword})
	require.NoError(t, err)
	require.NoError(t, g.Login(ctx))
	m, err := moodle.New(moodle.Config{URL: cfg.MoodleURL, Token: cfg.MoodleToken})
	require.NoError(t, err)
	courses, err := m.CourseByField(ctx, moodle.CourseFieldID, "2")
	require.NoError(t, err)
	require.Len(t, courses, 1, "the template course the banner names")

	lines := sims.bannerLines()
	require.Contains(t, lines, "Guacamole (sim)  "+cfg.GuacamoleURL+"/api")
	require.Contains(t, lines, "template course 2")
}

// TestServiceSimsLeaveConfiguredServicesAlone: a configured
// LABFORGE_GUACAMOLE_URL or LABFORGE_MOODLE_URL keeps its simulator off.
func TestServiceSimsLeaveConfiguredServicesAlone(t *testing.T) {
	environ := []string{"LABFORGE_GUACAMOLE_URL=https://guac.example.org/guacamole", "LABFORGE_MOODLE_URL=https://moodle.example.org"}
	sims, err := startServiceSims(t.Context(), Settings{}, environ, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(sims.Stop)
	require.Nil(t, sims.Guacamole)
	require.Nil(t, sims.Moodle)
	require.Empty(t, sims.Env())
	require.Contains(t, sims.bannerLines(), "https://guac.example.org/guacamole   (LABFORGE_GUACAMOLE_URL)")
}

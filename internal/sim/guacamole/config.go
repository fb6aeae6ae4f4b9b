package guacamole

import (
	"fmt"
	"log/slog"
	"time"
)

// Config configures a simulator. The zero value is usable: admin
// guacadmin/guacadmin, data source "postgresql", tokens that expire after
// 60 minutes of inactivity, in real time, without faults.
type Config struct {
	// AdminUsername and AdminPassword are the administrator's credentials.
	// Defaults "guacadmin" / "guacadmin", as on a fresh Guacamole.
	AdminUsername string
	AdminPassword string
	// DataSource is the identifier sign-in reports ({ds} in paths).
	// Default "postgresql".
	DataSource string
	// TokenTimeout is how long a token may stay unused before it expires
	// (Guacamole's api-session-timeout). Default 60 minutes.
	TokenTimeout time.Duration
	// TimeScale multiplies TokenTimeout (0.001 makes 60 minutes 3.6 s).
	// Zero means 1.
	TimeScale float64
	// Faults are the initial fault settings.
	Faults Faults
	// RandomSeed seeds every random decision (faults, tokens' order of
	// failure), so runs with the same seed and requests behave the same.
	RandomSeed uint64
	// Logger receives the simulator's logs; nil discards them.
	Logger *slog.Logger
}

// withDefaults fills every unset field, or reports a setting that cannot
// be used.
func (c Config) withDefaults() (Config, error) {
	if c.AdminUsername == "" {
		c.AdminUsername = "guacadmin"
	}
	if c.AdminPassword == "" {
		c.AdminPassword = "guacadmin"
	}
	if c.DataSource == "" {
		c.DataSource = "postgresql"
	}
	if c.TokenTimeout == 0 {
		c.TokenTimeout = 60 * time.Minute
	}
	if c.TimeScale == 0 {
		c.TimeScale = 1
	}
	if c.TokenTimeout < 0 || c.TimeScale < 0 {
		return c, fmt.Errorf("token timeout and time scale must be positive")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, c.Faults.validate()
}

// tokenTimeout is the scaled inactivity timeout of tokens.
func (c Config) tokenTimeout() time.Duration {
	return time.Duration(float64(c.TokenTimeout) * c.TimeScale)
}

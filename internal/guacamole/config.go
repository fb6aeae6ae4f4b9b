package guacamole

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labforge/labforge/internal/breaker"
	"github.com/labforge/labforge/internal/redact"
)

// Config configures a Client for one Guacamole server.
type Config struct {
	// URL is the base URL of the Guacamole web application, e.g.
	// https://guacamole.example.org/guacamole; the REST API is under
	// URL+"/api". Required.
	URL string
	// PublicURL is the web application's address as people's browsers
	// reach it, when it differs from URL (an internal address); empty
	// means URL.
	PublicURL string
	// Username and Password are the credentials of a Guacamole user with
	// the system permission ADMINISTER. Required.
	Username string
	Password string
	// DataSource overrides the data source ("postgresql", "mysql",
	// "sqlserver") objects are created in; empty takes the one Guacamole
	// names at sign-in.
	DataSource string
	// Timeout bounds each HTTP request. Default 30s.
	Timeout time.Duration
	// Breaker configures the server's circuit breaker: network errors and
	// 502-504 answers count as failures.
	Breaker breaker.Settings
	// OnBreakerChange, when set, hears every breaker state change.
	OnBreakerChange func(from, to breaker.State)
	// OnRequest, when set, hears the outcome of every HTTP request, for
	// metrics.
	OnRequest func(Request)
	// Transport carries the requests; nil uses a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// UserAgent is sent with every request. Default "labforge".
	UserAgent string
	// Logger receives breaker changes, token renewals and failed calls at
	// debug level; nil discards.
	Logger *slog.Logger
}

// withDefaults returns c with every unset field filled, or an error naming
// what is missing or malformed.
func (c Config) withDefaults() (Config, error) {
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		return c, errors.New("guacamole URL is empty")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return c, errors.New("guacamole URL " + redact.URL(c.URL) + " is not an http(s) URL")
	case c.Username == "" || c.Password == "":
		return c, errors.New("guacamole username and password are required")
	}
	c.URL = strings.TrimSuffix(c.URL, "/")
	if c.PublicURL != "" {
		if p, err := url.Parse(c.PublicURL); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return c, errors.New("guacamole public URL " + redact.URL(c.PublicURL) + " is not an http(s) URL")
		}
		c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	c.Breaker = c.Breaker.WithDefaults()
	if c.Transport == nil {
		c.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if c.UserAgent == "" {
		c.UserAgent = "labforge"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// publicURL is the base of the links people open.
func (c Config) publicURL() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	return c.URL
}

// LogValue shows the configuration without the password.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", redact.URL(c.URL)), slog.String("username", c.Username),
		slog.String("data_source", c.DataSource), slog.Duration("timeout", c.Timeout))
}

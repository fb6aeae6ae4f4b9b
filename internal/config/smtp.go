package config

import (
	"net/mail"
	"time"

	labmail "github.com/labforge/labforge/internal/mail"
)

// validateSMTP checks the SMTP settings.
func (c *Config) validateSMTP(bad func(field, format string, args ...any)) {
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		bad("SMTPPort", "is %d; use 1 to 65535 (587 for STARTTLS, 465 for tls)", c.SMTPPort)
	}
	switch c.SMTPTLS {
	case labmail.TLSStartTLS, labmail.TLSOpportunistic, labmail.TLSImplicit, labmail.TLSNone:
	default:
		bad("SMTPTLS", "is %q; use starttls, opportunistic, tls or none", c.SMTPTLS)
	}
	if c.SMTPAuth != labmail.AuthPlain && c.SMTPAuth != labmail.AuthLogin {
		bad("SMTPAuth", "is %q; use plain or login", c.SMTPAuth)
	}
	if c.SMTPTimeout < time.Second || c.SMTPTimeout > 10*time.Minute {
		bad("SMTPTimeout", "is %s; use 1s to 10m", c.SMTPTimeout)
	}
	if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		bad("SMTPFrom", "is %q; use an address such as Labforge <labforge@example.org>", c.SMTPFrom)
	}
}

// Mail is the SMTP client's configuration.
func (c *Config) Mail() labmail.Config {
	return labmail.Config{Host: c.SMTPHost, Port: c.SMTPPort, TLS: c.SMTPTLS, Auth: c.SMTPAuth,
		Username: c.SMTPUsername, Password: c.SMTPPassword, From: c.SMTPFrom, Timeout: c.SMTPTimeout}
}

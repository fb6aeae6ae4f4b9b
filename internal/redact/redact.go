// Package redact makes connection URLs safe to print in logs, error
// messages and banners. It depends on the standard library only, so any
// package may use it.
package redact

import (
	"net/url"
	"strings"
)

// Unparseable is what URL returns for input it cannot read as a URL, which
// it never prints: it may be a keyword/value connection string such as
// "host=db password=...".
const Unparseable = "(unparseable URL)"

// hidden replaces every secret URL shows.
const hidden = "xxxxx"

// URL returns raw with its secrets hidden: the password of the user info,
// the values of query options whose names mention a password, secret,
// token, key, credential or signature (password, sslpassword, sslkey,
// tlsCertificateKeyFilePassword, ...) and of MongoDB's
// authMechanismProperties, and the fragment. The rest (scheme, user name, hosts, path, other options) is
// kept as written, so MongoDB URIs with several hosts ("mongodb://a:1,b:2/")
// come out readable, unlike with net/url. An empty raw stays empty; input
// without a scheme and "://", or with control characters, is Unparseable.
//
// It expects what database drivers require: reserved characters in the
// user name and password percent-encoded.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || !validScheme(scheme) || hasControl(raw) {
		return Unparseable
	}
	rest, fragment, hasFragment := strings.Cut(rest, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		user, _, hasPassword := strings.Cut(authority[:at], ":")
		if hasPassword {
			user += ":" + hidden
		}
		authority = user + authority[at:]
	}
	out := scheme + "://" + authority + path
	if hasQuery {
		out += "?" + redactQuery(query)
	}
	if hasFragment && fragment != "" {
		out += "#" + hidden
	}
	return out
}

// redactQuery hides the values of the options in query whose names look
// secret, keeping their order and spelling.
func redactQuery(query string) string {
	opts := strings.Split(query, "&")
	for i, opt := range opts {
		name, _, hasValue := strings.Cut(opt, "=")
		if hasValue && secretName(name) {
			opts[i] = name + "=" + hidden
		}
	}
	return strings.Join(opts, "&")
}

// secretWords are the parts of an option name that mark its value secret.
var secretWords = []string{"pass", "pwd", "secret", "token", "key", "cred", "sig", "mechanismproperties"}

func secretName(name string) bool {
	if n, err := url.QueryUnescape(name); err == nil {
		name = n
	}
	name = strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// validScheme reports whether s is an RFC 3986 scheme: a letter followed
// by letters, digits, "+", "-" or ".".
func validScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		other := '0' <= r && r <= '9' || r == '+' || r == '-' || r == '.'
		if !letter && (i == 0 || !other) {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

package redact_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/labforge/labforge/internal/redact"
)

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		// PostgreSQL, as the configuration and the dev stack write it.
		{"postgres://labforge:labforge@127.0.0.1:5432/labforge?sslmode=disable",
			"postgres://labforge:xxxxx@127.0.0.1:5432/labforge?sslmode=disable"},
		{"postgres://postgres@127.0.0.1:5433/labforge?sslmode=disable",
			"postgres://postgres@127.0.0.1:5433/labforge?sslmode=disable"},
		{"postgres://u@db/labforge?password=secret&sslpassword=k&sslmode=verify-full",
			"postgres://u@db/labforge?password=xxxxx&sslpassword=xxxxx&sslmode=verify-full"},
		{"postgres://u:@db", "postgres://u:xxxxx@db"},
		{"postgres:///labforge?host=/run/postgresql", "postgres:///labforge?host=/run/postgresql"},
		{"postgres://u:p@db:badport/x", "postgres://u:xxxxx@db:badport/x"},
		// MongoDB: several hosts, percent-encoded passwords, secret options.
		{"mongodb://127.0.0.1:27017/", "mongodb://127.0.0.1:27017/"},
		{"mongodb://mongo:27017", "mongodb://mongo:27017"},
		{"mongodb://u:p@a:1,b:2/labforge?replicaSet=rs0", "mongodb://u:xxxxx@a:1,b:2/labforge?replicaSet=rs0"},
		{"mongodb+srv://u@cluster.example.com/?tls=true", "mongodb+srv://u@cluster.example.com/?tls=true"},
		{"mongodb://u:p%40ss@host/?tlsCertificateKeyFile=x.pem&tlsCertificateKeyFilePassword=pw",
			"mongodb://u:xxxxx@host/?tlsCertificateKeyFile=xxxxx&tlsCertificateKeyFilePassword=xxxxx"},
		{"mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:t",
			"mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=xxxxx"},
		{"mongodb://h/?Pass%77ord=x", "mongodb://h/?Pass%77ord=xxxxx"},
		{"mongodb://u:p@h/?authSource=admin", "mongodb://u:xxxxx@h/?authSource=admin"},
		{"https://h/p?a=1&flag&token=t#frag", "https://h/p?a=1&flag&token=xxxxx#xxxxx"},
		// Never printed.
		{"not a uri", redact.Unparseable},
		{"host=db user=u password=secret", redact.Unparseable},
		{"host=db password=a://b", redact.Unparseable},
		{"://u:p@h", redact.Unparseable},
		{"postgres://u:p@h/\nforged log line", redact.Unparseable},
	} {
		if got := redact.URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzURLHidesPassword checks that a percent-encoded password never shows,
// whatever the hosts and path around it.
func FuzzURLHidesPassword(f *testing.F) {
	f.Add("u", "p@ss/w?rd#1", "a:1,b:2", "labforge?replicaSet=rs0")
	f.Add("", "secret", "h@evil", "db#frag")
	f.Fuzz(func(t *testing.T, user, password, hosts, path string) {
		pw := url.QueryEscape(password)
		if pw == "" || strings.Contains(pw, "x") {
			t.Skip("the password must not be empty or overlap the mask")
		}
		u := url.QueryEscape(user)
		raw := "mongodb://" + u + ":" + pw + "@" + hosts + "/" + path
		got := redact.URL(raw)
		if got == redact.Unparseable {
			return
		}
		masked := "mongodb://" + u + ":xxxxx@" + hosts + "/" + path
		if strings.Count(got, pw) > strings.Count(masked, pw) {
			t.Errorf("URL(%q) = %q shows the password", raw, got)
		}
	})
}

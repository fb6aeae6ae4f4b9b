package config_test

import (
	"os"
	"reflect"
	"regexp"
	"testing"

	"github.com/labforge/labforge/internal/config"
)

// TestDocumentedDefaultsAreTheRealOnes checks docs/configuration.md
// against the envDefault tags, the one place defaults are written down:
// every variable is documented, with its default (or "—" for none).
func TestDocumentedDefaultsAreTheRealOnes(t *testing.T) {
	raw, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(LABFORGE_[A-Z0-9_]+)` \\| (?:`([^`]*)`|—)")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(raw), -1) {
		documented[m[1]] = m[2]
	}
	typ := reflect.TypeOf(config.Config{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := config.Prefix + f.Tag.Get("env")
		got, ok := documented[name]
		if !ok {
			t.Errorf("%s is not documented in docs/configuration.md", name)
			continue
		}
		if want := f.Tag.Get("envDefault"); got != want {
			t.Errorf("docs/configuration.md gives %s the default %q; the code's is %q", name, got, want)
		}
	}
}

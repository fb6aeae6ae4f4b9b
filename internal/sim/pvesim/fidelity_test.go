package pvesim_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestFidelityTableCoversEveryRoute checks that FIDELITY.md has a row for
// every method the simulator serves, so a new endpoint cannot arrive
// without saying what it models and whether it was checked.
func TestFidelityTableCoversEveryRoute(t *testing.T) {
	b, err := os.ReadFile("FIDELITY.md")
	if err != nil {
		t.Fatal(err)
	}
	// A row's first cell names methods as `METHOD path`; "{qemu,lxc}"
	// stands for both kinds and a leading "..." for any prefix.
	cell := regexp.MustCompile("`(GET|POST|PUT|DELETE) ([^`]+)`")
	var documented []string
	for _, line := range strings.Split(string(b), "\n") {
		first, _, ok := strings.Cut(strings.TrimPrefix(line, "| "), " |")
		if !ok || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range cell.FindAllStringSubmatch(first, -1) {
			for _, kind := range []string{"qemu", "lxc"} {
				documented = append(documented, m[1]+" "+strings.ReplaceAll(m[2], "{qemu,lxc}", kind))
			}
		}
	}
	covered := func(method, template string) bool {
		for _, d := range documented {
			m, p, _ := strings.Cut(d, " ")
			if m != method {
				continue
			}
			if p == template || strings.HasPrefix(p, "...") && strings.HasSuffix(template, p[3:]) {
				return true
			}
		}
		return false
	}
	s := newSim(t, nil)
	for _, r := range s.Routes() {
		if !covered(r.Method, r.Template) {
			t.Errorf("FIDELITY.md has no row for %s %s", r.Method, r.Template)
		}
	}
}

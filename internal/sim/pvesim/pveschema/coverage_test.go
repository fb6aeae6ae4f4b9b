package pveschema

import (
	"slices"
	"sync"
	"testing"
)

// TestUncheckedFormats reports which of the schema's formats are accepted
// without verification, and fails if any parameter of a method Labforge
// calls (those in labforgeRequests) is among them.
func TestUncheckedFormats(t *testing.T) {
	s := loadSchema(t)
	unchecked := s.UncheckedFormats()
	t.Logf("%d formats accepted unchecked: %v", len(unchecked), unchecked)
	seen := map[*Method]bool{}
	for _, r := range labforgeRequests {
		m, _, ok := s.Match(r.req.verb, r.req.path)
		if !ok || seen[m] {
			continue
		}
		seen[m] = true
		for _, p := range m.Params() {
			for _, f := range formatsOf(p) {
				if slices.Contains(unchecked, f) && !labforgeToleratesUnchecked[f] {
					t.Errorf("%s %s: %s has unchecked format %s", m.HTTPMethod, m.Path, p.Name, f)
				}
			}
		}
	}
}

// labforgeToleratesUnchecked are unchecked formats on methods Labforge
// calls, for parameters Labforge never sends.
var labforgeToleratesUnchecked = map[string]bool{
	"pve-cpuset":                          true, // affinity
	"pve-ct-timezone":                     true, // timezone (needs the host's zone.tab)
	"pve-lxc-dev-string":                  true, // dev[n].path
	"pve-priv-list":                       true, // ticket privs
	"pve-storage-path-in-property-string": true,
}

// formatsOf lists the format names a property and its property-string keys use.
func formatsOf(p *Property) []string {
	var out []string
	if p.Format != "" {
		out = append(out, p.Format)
	}
	if ps := p.PropertyString; ps != nil {
		for _, k := range ps.Keys() {
			kp, _ := ps.Key(k)
			out = append(out, formatsOf(kp)...)
		}
	}
	return out
}

func TestConcurrentValidate(t *testing.T) {
	s := loadSchema(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range labforgeRequests {
				if _, errs := validateRequest(t, s, r.req); errs != nil {
					t.Errorf("%s %s rejected: %q", r.req.verb, r.req.path, errs)
				}
			}
		}()
	}
	wg.Wait()
}

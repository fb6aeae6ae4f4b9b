package pveschema

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

const testUPID = "UPID:pve1:0003A1F2:01B2C3D4:6650A1B2:qmclone:9000:labforge@pve!automation:"

// sampleParam is a value for a path parameter; UPIDs and volume IDs carry
// the colons, '@', '!' and '/' real ones have.
func sampleParam(name string) string {
	switch name {
	case "upid":
		return testUPID
	case "volume":
		return "local:iso/debian-12.iso"
	case "vmid":
		return "100"
	}
	return "x-" + name
}

func TestMatchFindsEveryMethod(t *testing.T) {
	s := loadSchema(t)
	refs := s.Methods()
	if len(refs) != 649 {
		t.Fatalf("schema has %d methods, want 649", len(refs))
	}
	for _, ref := range refs {
		want := map[string]string{}
		var path strings.Builder
		for _, seg := range strings.Split(strings.Trim(ref.Path, "/"), "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				want[name] = sampleParam(name)
				seg = want[name]
			}
			path.WriteString("/" + seg)
		}
		m, got, ok := s.Match(ref.Method, path.String())
		if !ok {
			t.Errorf("%s %s: no match for %s", ref.Method, ref.Path, path.String())
			continue
		}
		if m.Path != ref.Path || m.HTTPMethod != ref.Method {
			t.Errorf("%s %s matched %s %s", ref.Method, path.String(), m.HTTPMethod, m.Path)
		}
		if len(want) == 0 {
			want = nil
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s %s: params %v, want %v", ref.Method, ref.Path, got, want)
		}
	}
}

func TestMatchPathParameters(t *testing.T) {
	s := loadSchema(t)
	tests := []struct {
		verb, path, template string
		params               map[string]string
	}{
		{"GET", "/nodes/pve1/tasks/" + testUPID + "/status", "/nodes/{node}/tasks/{upid}/status",
			map[string]string{"node": "pve1", "upid": testUPID}},
		{"DELETE", "/nodes/pve1/tasks/" + testUPID, "/nodes/{node}/tasks/{upid}",
			map[string]string{"node": "pve1", "upid": testUPID}},
		{"POST", "/nodes/pve1/qemu/100/clone", "/nodes/{node}/qemu/{vmid}/clone",
			map[string]string{"node": "pve1", "vmid": "100"}},
		// Volume IDs keep their slashes (fragmentDelimiter '' in pve-storage).
		{"GET", "/nodes/pve1/storage/local/content/local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
			"/nodes/{node}/storage/{storage}/content/{volume}",
			map[string]string{"node": "pve1", "storage": "local", "volume": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"}},
		// Empty segments are skipped, as PVE's split('\/+') does.
		{"GET", "//nodes//pve1/qemu/", "/nodes/{node}/qemu", map[string]string{"node": "pve1"}},
		{"GET", "/version", "/version", nil},
		{"GET", "/", "", nil},
	}
	for _, tt := range tests {
		m, params, ok := s.Match(tt.verb, tt.path)
		if tt.template == "" {
			if ok {
				t.Errorf("%s %s matched %s, want no match", tt.verb, tt.path, m.Path)
			}
			continue
		}
		if !ok {
			t.Errorf("%s %s: no match", tt.verb, tt.path)
			continue
		}
		if m.Path != tt.template || !maps.Equal(params, tt.params) {
			t.Errorf("%s %s = %s %v, want %s %v", tt.verb, tt.path, m.Path, params, tt.template, tt.params)
		}
	}
}

func TestMatchRejects(t *testing.T) {
	s := loadSchema(t)
	for _, tt := range []struct{ verb, path string }{
		{"GET", "/nodes/pve1/qemu/100/nonexistent"},
		{"PATCH", "/nodes/pve1/qemu/100/config"},
		{"DELETE", "/cluster/resources"},
		{"GET", "/nodes/pve 1/qemu"}, // parameters match \S+
		{"GET", "/version/extra"},
	} {
		if m, _, ok := s.Match(tt.verb, tt.path); ok {
			t.Errorf("%s %s matched %s %s, want no match", tt.verb, tt.path, m.HTTPMethod, m.Path)
		}
	}
}

func TestLookupAndMethods(t *testing.T) {
	s := loadSchema(t)
	m := mustLookup(t, s, "POST", "/nodes/{node}/qemu/{vmid}/clone")
	if m.Name != "clone_vm" || !m.Protected || m.ProxyTo != "node" || !m.AllowToken {
		t.Errorf("clone = %+v", m)
	}
	if _, ok := s.Lookup("GET", "/nodes/{node}/qemu/{vmid}/clone"); ok {
		t.Error("Lookup found GET clone")
	}
	refs := s.Methods()
	if !slices.IsSortedFunc(refs, func(a, b MethodRef) int {
		return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
	}) {
		t.Error("Methods() is not sorted by path, then method")
	}
}

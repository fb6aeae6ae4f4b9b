package pveschema

import "sort"

// Schema is the loaded Proxmox VE API schema. It is immutable and safe for
// concurrent use.
type Schema struct {
	root              *trieNode
	byPath            map[string]map[string]*Method // template -> HTTP method -> method
	refs              []MethodRef
	uncheckedFormats  []string
	uncheckedPatterns []string
}

// MethodRef names one API method.
type MethodRef struct{ Method, Path string }

// Methods returns every (HTTP method, path template) in the schema, sorted
// by path, then method.
func (s *Schema) Methods() []MethodRef { return append([]MethodRef(nil), s.refs...) }

// Lookup returns the method for a path template, e.g.
// ("POST", "/nodes/{node}/qemu/{vmid}/clone").
func (s *Schema) Lookup(method, template string) (*Method, bool) {
	m, ok := s.byPath[template][method]
	return m, ok
}

// UncheckedFormats lists, sorted, the format names the schema uses that
// Labforge does not verify: values with these formats are accepted as long
// as they pass the property's other checks (type, length, enum, pattern).
func (s *Schema) UncheckedFormats() []string { return append([]string(nil), s.uncheckedFormats...) }

// UncheckedPatterns lists schema patterns that Go's RE2 cannot express;
// values are not matched against them.
func (s *Schema) UncheckedPatterns() []string { return append([]string(nil), s.uncheckedPatterns...) }

func sortRefs(refs []MethodRef) {
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Path != refs[j].Path {
			return refs[i].Path < refs[j].Path
		}
		return refs[i].Method < refs[j].Method
	})
}

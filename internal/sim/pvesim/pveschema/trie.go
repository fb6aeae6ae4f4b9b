package pveschema

import "strings"

// trieNode is one path segment of the API tree. As in PVE's RESTHandler, a
// level holds either fixed names or a single parameter, never both.
type trieNode struct {
	static    map[string]*trieNode
	param     *trieNode
	paramName string
	// greedy marks a parameter that takes the rest of the path, slashes
	// included: pve-storage mounts Storage::Content with fragmentDelimiter
	// '' because volume IDs may contain '/'.
	greedy  bool
	methods map[string]*Method
}

// greedyParams are the templates whose last parameter is greedy.
var greedyParams = map[string]bool{
	"/nodes/{node}/storage/{storage}/content/{volume}": true,
}

// insert adds a method at its template path.
func (n *trieNode) insert(template string, m *Method) {
	for _, seg := range strings.Split(template, "/") {
		if seg == "" {
			continue
		}
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			if n.param == nil {
				n.param = &trieNode{}
				n.paramName = strings.TrimSuffix(name, "}")
			}
			n = n.param
			continue
		}
		if n.static == nil {
			n.static = make(map[string]*trieNode)
		}
		child := n.static[seg]
		if child == nil {
			child = &trieNode{}
			n.static[seg] = child
		}
		n = child
	}
	n.greedy = greedyParams[template]
	if n.methods == nil {
		n.methods = make(map[string]*Method, 1)
	}
	n.methods[m.HTTPMethod] = m
}

// Match finds the method for an HTTP method and an API path relative to
// /api2/json (e.g. "/nodes/pve1/qemu/100/clone"; already percent-decoded),
// returning the method and the path parameters by name. Like PVE's
// map_path_to_methods it ignores empty segments and matches a parameter
// against any segment without white space. It reports false when no method
// matches (Proxmox answers 501 "Method '... ...' not implemented").
func (s *Schema) Match(method, path string) (*Method, map[string]string, bool) {
	n := s.root
	var params map[string]string
	for rest := path; ; {
		seg, remainder := nextSegment(rest)
		if seg == "" {
			break
		}
		rest = remainder
		if child := n.static[seg]; child != nil {
			n = child
			continue
		}
		p := n.param
		if p == nil {
			return nil, nil, false
		}
		if p.greedy {
			seg = joinSegments(seg, rest)
			rest = ""
		}
		if hasSpace(seg) {
			return nil, nil, false
		}
		if params == nil {
			params = make(map[string]string, 2)
		}
		params[n.paramName] = seg
		n = p
	}
	m := n.methods[method]
	if m == nil {
		return nil, nil, false
	}
	return m, params, true
}

// nextSegment returns the first non-empty segment of path and what follows.
func nextSegment(path string) (seg, rest string) {
	path = strings.TrimLeft(path, "/")
	if i := strings.IndexByte(path, '/'); i >= 0 {
		return path[:i], path[i:]
	}
	return path, ""
}

// joinSegments joins first and the non-empty segments of rest with '/'.
func joinSegments(first, rest string) string {
	var b strings.Builder
	b.WriteString(first)
	for {
		seg, r := nextSegment(rest)
		if seg == "" {
			return b.String()
		}
		b.WriteByte('/')
		b.WriteString(seg)
		rest = r
	}
}

// hasSpace reports whether s contains what Perl's \s matches in ASCII.
func hasSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if isPerlSpace(s[i]) {
			return true
		}
	}
	return false
}

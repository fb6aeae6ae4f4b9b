package pveschema

import (
	"encoding/json"
	"fmt"
	"os"
)

// Load parses the schema file at path. The result is immutable and safe for
// concurrent use; callers that load repeatedly should use LoadDefault.
func Load(path string) (*Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load PVE API schema: %w", err)
	}
	var tree []rawNode
	if err := json.Unmarshal(data, &tree); err != nil {
		return nil, fmt.Errorf("load PVE API schema %s: %w", path, err)
	}
	s := &Schema{root: &trieNode{}, byPath: make(map[string]map[string]*Method)}
	b := newBuilder()
	if err := s.addNodes(b, tree); err != nil {
		return nil, fmt.Errorf("load PVE API schema %s: %w", path, err)
	}
	sortRefs(s.refs)
	s.uncheckedFormats = sortedKeys(b.uncheckedFormats)
	s.uncheckedPatterns = sortedKeys(b.uncheckedPatterns)
	return s, nil
}

func (s *Schema) addNodes(b *builder, nodes []rawNode) error {
	for i := range nodes {
		n := &nodes[i]
		for verb, rm := range n.Info {
			m, err := newMethod(b, n.Path, verb, &rm)
			if err != nil {
				return fmt.Errorf("%s %s: %w", verb, n.Path, err)
			}
			s.root.insert(n.Path, m)
			if s.byPath[n.Path] == nil {
				s.byPath[n.Path] = make(map[string]*Method, 1)
			}
			s.byPath[n.Path][verb] = m
			s.refs = append(s.refs, MethodRef{Method: verb, Path: n.Path})
		}
		if err := s.addNodes(b, n.Children); err != nil {
			return err
		}
	}
	return nil
}

func newMethod(b *builder, path, verb string, rm *rawMethod) (*Method, error) {
	params, err := b.params(rm.Parameters)
	if err != nil {
		return nil, err
	}
	m := &Method{
		HTTPMethod:  verb,
		Path:        path,
		Name:        rm.Name,
		Description: rm.Description,
		Protected:   bool(rm.Protected),
		AllowToken:  bool(rm.AllowToken),
		params:      params,
	}
	if rm.ProxyTo != nil {
		m.ProxyTo = *rm.ProxyTo
	}
	return m, nil
}

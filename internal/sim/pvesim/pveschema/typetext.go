package pveschema

// derivePropertyString reconstructs a named property-string format from the
// typetext JSONSchema::generate_typetext wrote for it, for formats the
// schema file gives only by name (e.g. "pve-vm-cpu-conf": "[[cputype=]<string>]
// [,flags=<+FLAG[;-FLAG...]>] ..."). generate_typetext writes the default key
// as "[key=]", wraps optional keys in "[...]", prefixes all but the first
// key with ",", and writes booleans, integers and numbers without a
// format_description as <1|0>, <integer> and <number>. Keys written as
// "<alias>=" (keyAlias entries) make the format accept unknown keys. It
// reports false when the typetext names no key.
func derivePropertyString(tt string) (*PropertyString, bool) {
	props := make(map[string]*Property)
	ps := &PropertyString{derived: true}
	open := false
	depth := 0
	for i := 0; i < len(tt); i++ {
		c := tt[i]
		switch {
		case c == '<':
			depth++
			continue
		case c == '>':
			if depth > 0 {
				depth--
			}
			if depth == 0 && i+1 < len(tt) && tt[i+1] == '=' {
				open = true
			}
			continue
		case depth > 0 || !isKeyChar(c):
			continue
		case i > 0 && tt[i-1] != '[' && tt[i-1] != ',':
			// Not at the start of an item: skip the rest of this word.
			for i+1 < len(tt) && isKeyChar(tt[i+1]) {
				i++
			}
			continue
		}
		start := i
		for i+1 < len(tt) && isKeyChar(tt[i+1]) {
			i++
		}
		if i+1 >= len(tt) || tt[i+1] != '=' {
			continue
		}
		key := tt[start : i+1]
		i++ // at '='
		p := &Property{Name: key}
		if i+1 < len(tt) && tt[i+1] == ']' {
			p.DefaultKey = true
			ps.defaultKey = key
			p.Optional = start >= 2 && tt[start-2:start] == "[["
			i++
		} else {
			p.Optional = start >= 1 && tt[start-1] == '[' ||
				start >= 2 && tt[start-2:start] == "[,"
		}
		p.Type = typetextType(tt[i+1:])
		props[key] = p
	}
	if len(props) == 0 {
		return nil, false
	}
	ps.obj = newObjectSchema(props, nil, open)
	return ps, true
}

// typetextType reads the type of a key's value text, "<1|0>" and friends.
func typetextType(rest string) string {
	switch {
	case len(rest) >= 5 && rest[:5] == "<1|0>":
		return "boolean"
	case len(rest) >= 9 && rest[:9] == "<integer>":
		return "integer"
	case len(rest) >= 8 && rest[:8] == "<number>":
		return "number"
	}
	return "string"
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

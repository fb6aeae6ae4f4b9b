package moodle

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The parameter descriptions below model Moodle's external_description
// classes (external_value, external_single_structure,
// external_multiple_structure) and external_api::validate_parameters:
// a missing required key, an unexpected key or a value of the wrong type
// is an invalid_parameter_exception whose debuginfo says which.

// presence is Moodle's VALUE_REQUIRED / VALUE_OPTIONAL / VALUE_DEFAULT.
type presence int

const (
	required    presence = iota
	optional             // left out of the result when absent
	withDefault          // the default is used when absent
)

// paramType is a Moodle PARAM_* cleaning type.
type paramType string

const (
	paramInt      paramType = "int"
	paramBool     paramType = "bool"
	paramText     paramType = "text"
	paramRaw      paramType = "raw"
	paramAlpha    paramType = "alpha"
	paramAlphaExt paramType = "alphanumext"
	paramUsername paramType = "username"
	paramEmail    paramType = "email"
)

// desc describes one parameter.
type desc interface {
	validate(n *node) (any, *invalidParam)
}

// value is external_value.
type value struct {
	typ paramType
	def any
}

// field is one key of a single structure.
type field struct {
	name     string
	d        desc
	presence presence
}

// single is external_single_structure.
type single []field

// multiple is external_multiple_structure.
type multiple struct{ elem desc }

// invalidParam is the debuginfo of an invalid_parameter_exception.
type invalidParam struct{ debug string }

func invalid(format string, args ...any) *invalidParam {
	return &invalidParam{debug: fmt.Sprintf(format, args...)}
}

func (v value) validate(n *node) (any, *invalidParam) {
	if !n.leaf {
		return nil, invalid("Invalid external api parameter: the value is \"Array\", the server was expecting \"%s\" type", v.typ)
	}
	s := n.value
	bad := func() (any, *invalidParam) {
		return nil, invalid("Invalid external api parameter: the value is \"%s\", the server was expecting \"%s\" type", s, v.typ)
	}
	switch v.typ {
	case paramInt:
		i, err := strconv.ParseInt(s, 10, 64)
		if err != nil || strconv.FormatInt(i, 10) != s {
			return bad()
		}
		return i, nil
	case paramBool:
		switch strings.ToLower(s) {
		case "1", "true", "yes", "on":
			return true, nil
		case "0", "false", "no", "off", "":
			return false, nil
		}
		return bad()
	case paramAlpha:
		if !alpha.MatchString(s) {
			return bad()
		}
	case paramAlphaExt:
		if !alphaNumExt.MatchString(s) {
			return bad()
		}
	case paramUsername:
		// clean_param(PARAM_USERNAME) lower-cases and strips; Moodle
		// rejects a value the cleaning changes.
		if s != strings.ToLower(strings.TrimSpace(s)) || !username.MatchString(s) {
			return bad()
		}
	case paramEmail:
		if a, err := mail.ParseAddress(s); s != "" && (err != nil || a.Address != s) {
			return bad()
		}
	case paramText:
		if strings.ContainsAny(s, "<>") {
			return bad()
		}
	}
	return s, nil
}

var (
	alpha       = regexp.MustCompile(`^[a-zA-Z]*$`)
	alphaNumExt = regexp.MustCompile(`^[a-zA-Z0-9_-]*$`)
	username    = regexp.MustCompile(`^[a-z0-9_.@-]+$`)
)

func (s single) validate(n *node) (any, *invalidParam) {
	if n.leaf {
		return nil, invalid("Only arrays accepted. The bad value is: '%s'", n.value)
	}
	out := map[string]any{}
	seen := map[string]bool{}
	for _, f := range s {
		seen[f.name] = true
		c, ok := n.kids[f.name]
		if !ok {
			switch f.presence {
			case required:
				return nil, invalid("Missing required key in single structure: %s", f.name)
			case withDefault:
				if v, ok := f.d.(value); ok {
					out[f.name] = v.def
				}
			}
			continue
		}
		v, err := f.d.validate(c)
		if err != nil {
			return nil, invalid("%s => Invalid parameter value detected: %s", f.name, err.debug)
		}
		out[f.name] = v
	}
	var extra []string
	for _, k := range n.keys {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		return nil, invalid("Unexpected keys (%s) detected in parameter array.", strings.Join(extra, ", "))
	}
	return out, nil
}

func (m multiple) validate(n *node) (any, *invalidParam) {
	if n.leaf {
		return nil, invalid("Only arrays accepted. The bad value is: '%s'", n.value)
	}
	out := make([]any, 0, len(n.keys))
	for _, k := range n.keys {
		v, err := m.elem.validate(n.kids[k])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// args are a function's validated parameters.
type args map[string]any

func (a args) int(k string) int {
	v, _ := a[k].(int64)
	return int(v)
}

func (a args) str(k string) string {
	s, _ := a[k].(string)
	return s
}

func (a args) bool(k string) bool {
	b, _ := a[k].(bool)
	return b
}

func (a args) has(k string) bool {
	_, ok := a[k]
	return ok
}

// list returns a multiple structure of single structures.
func (a args) list(k string) []args {
	raw, _ := a[k].([]any)
	out := make([]args, 0, len(raw))
	for _, r := range raw {
		switch v := r.(type) {
		case map[string]any:
			out = append(out, args(v))
		default:
			out = append(out, args{"": v})
		}
	}
	return out
}

// ints returns a multiple structure of integers.
func (a args) ints(k string) []int {
	var out []int
	for _, e := range a.list(k) {
		out = append(out, e.int(""))
	}
	return out
}

// strs returns a multiple structure of strings.
func (a args) strs(k string) []string {
	var out []string
	for _, e := range a.list(k) {
		out = append(out, e.str(""))
	}
	return out
}

// oneOf reports whether s is among allowed.
func oneOf(s string, allowed ...string) bool { return slices.Contains(allowed, s) }

package pveschema

import (
	"strconv"
	"strings"
)

// Params are a request's parameters after Parse validated them, with
// accessors that convert values to the types their schema declares.
type Params struct {
	m    *Method
	vals map[string]string
}

// Parse validates params like Validate and, when they are valid, returns
// them for typed access; otherwise it returns Proxmox's messages.
func (m *Method) Parse(params map[string]string) (Params, map[string]string) {
	if errs := m.Validate(params); errs != nil {
		return Params{}, errs
	}
	return Params{m: m, vals: params}, nil
}

// Has reports whether the request set the parameter.
func (p Params) Has(name string) bool {
	_, ok := p.vals[name]
	return ok
}

// String returns a parameter as sent.
func (p Params) String(name string) (string, bool) {
	v, ok := p.vals[name]
	return v, ok
}

// Int returns an integer parameter.
func (p Params) Int(name string) (int64, bool) {
	v, ok := p.vals[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(chompPerl(v), "+"), 10, 64)
	return n, err == nil
}

// Float returns a number parameter.
func (p Params) Float(name string) (float64, bool) {
	v, ok := p.vals[name]
	if !ok || !isNumber(v) {
		return 0, false
	}
	return numericValue(v), true
}

// Bool returns a boolean parameter ("1" or "0" once validated).
func (p Params) Bool(name string) (bool, bool) {
	v, ok := p.vals[name]
	if !ok {
		return false, false
	}
	return parseBoolean(v)
}

// PropertyString returns a property-string parameter's keys under their
// canonical names (see PropertyString.Parse).
func (p Params) PropertyString(name string) (map[string]string, bool) {
	v, ok := p.vals[name]
	if !ok {
		return nil, false
	}
	prop, ok := p.m.Param(name)
	if !ok || prop.PropertyString == nil {
		return nil, false
	}
	keys, err := prop.PropertyString.Parse(v)
	return keys, err == nil
}

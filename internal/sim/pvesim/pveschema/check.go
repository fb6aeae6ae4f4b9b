package pveschema

import (
	"cmp"
	"slices"
	"strconv"
	"unicode/utf8"
)

// errs collects per-parameter messages like JSONSchema::add_error: a second
// message for the same path is joined with a literal backslash-n, because
// add_error joins with the single-quoted Perl string '\n'.
type errs map[string]string

func (e *errs) add(path, msg string) {
	if path == "" {
		path = "_root"
	}
	if *e == nil {
		*e = make(errs, 2)
	}
	if old, ok := (*e)[path]; ok {
		(*e)[path] = old + `\n` + msg
		return
	}
	(*e)[path] = msg
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// checkObject mirrors JSONSchema::check_object for one object value.
func checkObject(path string, o *objectSchema, vals map[string]value, e *errs) {
	if o.hasAliases {
		remapAliases(path, o, vals, e)
	}
	// check_prop runs for every schema key; an absent one can only fail if
	// it is required or a oneOf, so only those are visited when absent.
	for _, name := range o.checkAbsent {
		if _, present := vals[name]; !present {
			p := o.props[name]
			checkProp(value{}, false, p, joinPath(path, name), instanceType(p, vals), e)
		}
	}
	var requires []requiredBy
	for key, v := range vals {
		p := o.lookup(key)
		if p != nil {
			checkProp(v, true, p, joinPath(path, key), instanceType(p, vals), e)
			if p.requires != "" {
				if r, ok := vals[p.requires]; !ok || r.kind == kindUndef {
					requires = append(requires, requiredBy{joinPath(path, p.requires), joinPath(path, key)})
				}
			}
			if oneOfMatches(p, vals) {
				continue
			}
		}
		if !o.additional {
			e.add(joinPath(path, key), msgNotDefined)
		}
	}
	// Perl reports these in hash order; sorting keeps joined messages stable.
	slices.SortFunc(requires, func(a, b requiredBy) int {
		return cmp.Or(cmp.Compare(a.missing, b.missing), cmp.Compare(a.by, b.by))
	})
	for _, r := range requires {
		e.add(r.missing, msgRequiredBy(r.by))
	}
}

// requiredBy is a "requires" dependency found unmet: missing is the absent
// property's path, by the path of the property that requires it.
type requiredBy struct{ missing, by string }

// remapAliases mirrors check_object's alias remapping (pve-common 9.1.9):
// an alias key's value moves to its target unless the target is also set.
func remapAliases(path string, o *objectSchema, vals map[string]value, e *errs) {
	for key, v := range vals {
		p := o.props[key]
		if p == nil || p.Alias == "" {
			continue
		}
		if t, ok := vals[p.Alias]; ok && t.kind != kindUndef {
			e.add(joinPath(path, key), "cannot set both '"+key+"' and its alias target '"+p.Alias+"'")
			continue
		}
		delete(vals, key)
		vals[p.Alias] = v
	}
}

// instanceType is the value of the property's type-property, if any.
func instanceType(p *Property, vals map[string]value) string {
	if p.typeProperty == "" {
		return ""
	}
	return vals[p.typeProperty].s
}

// oneOfMatches mirrors check_object's test that a oneOf property applies to
// the instance type at hand; properties without oneOf always match.
func oneOfMatches(p *Property, vals map[string]value) bool {
	if len(p.oneOf) == 0 {
		return true
	}
	inst, ok := vals[p.typeProperty]
	for _, alt := range p.oneOf {
		if alt.instanceTypes == nil {
			return true
		}
		if ok && slices.Contains(alt.instanceTypes, inst.s) {
			return true
		}
	}
	return false
}

// checkProp mirrors JSONSchema::check_prop for one value.
func checkProp(v value, present bool, p *Property, path, inst string, e *errs) {
	optionalForType := false
	if len(p.oneOf) > 0 {
		optionalForType = checkOneOf(v, present, p, path, inst, e)
	}
	if p.Alias != "" {
		return
	}
	if !present || v.kind == kindUndef {
		if p.Type != "null" && !p.Optional && !optionalForType {
			e.add(path, msgMissing)
		}
		return
	}
	if !checkType(path, p.Type, v, e) {
		return
	}
	switch v.kind {
	case kindArray:
		if p.items != nil {
			for i, it := range v.items {
				checkProp(it, true, p.items, path+"["+strconv.Itoa(i)+"]", "", e)
			}
		}
		return
	case kindObject, kindBool:
		return
	}
	checkScalar(v.s, p, path, e)
}

// checkOneOf handles a oneOf property and reports whether the property is
// optional for the instance type at hand.
func checkOneOf(v value, present bool, p *Property, path, inst string, e *errs) bool {
	if p.typeProperty != "" {
		optional := true
		if inst == "" {
			return optional
		}
		for _, alt := range p.oneOf {
			if slices.Contains(alt.instanceTypes, inst) {
				optional = alt.Optional
				checkProp(v, present, alt, path, "", e)
			}
		}
		return optional
	}
	// A legacy oneOf passes if any alternative does. (pve-common 9.1 loses
	// the alternatives' messages here; these are the ones 9.2 reports.)
	var collected errs
	for i, alt := range p.oneOf {
		var inner errs
		checkProp(v, present, alt, path+".oneOf["+strconv.Itoa(i)+"]", "", &inner)
		if len(inner) == 0 {
			return false
		}
		for k, m := range inner {
			collected.add(k, m)
		}
	}
	for k, m := range collected {
		e.add(k, m)
	}
	return false
}

// checkScalar runs check_prop's checks for a plain value, in Proxmox's
// order, stopping at the first failure (the enumeration comes last).
func checkScalar(s string, p *Property, path string, e *errs) {
	if p.format.kind != fmtNone {
		if msg := p.format.check(s, path); msg != "" {
			e.add(path, msgInvalidFormat+msg)
			return
		}
	}
	if p.pattern != nil && !p.pattern.MatchString(s) {
		e.add(path, msgPattern)
		return
	}
	if p.maxLength != nil && float64(utf8.RuneCountInString(s)) > p.maxLength.Value {
		e.add(path, msgMaxLength(p.maxLength.Text))
		return
	}
	if p.minLength != nil && float64(utf8.RuneCountInString(s)) < p.minLength.Value {
		e.add(path, msgMinLength(p.minLength.Text))
		return
	}
	if (p.maximum != nil || p.minimum != nil) && isNumber(s) {
		n := numericValue(s)
		if p.maximum != nil && n > p.maximum.Value {
			e.add(path, msgMaximum(p.maximum.Text))
			return
		}
		if p.minimum != nil && n < p.minimum.Value {
			e.add(path, msgMinimum(p.minimum.Text))
			return
		}
	}
	if p.Enum != nil && !slices.Contains(p.Enum, s) {
		e.add(path, msgEnum(s, p.enumText))
	}
}

// checkType mirrors JSONSchema::check_type for a defined value.
func checkType(path, typ string, v value, e *errs) bool {
	switch typ {
	case "", "any":
		return true
	case "null":
		e.add(path, "type check ('null') failed - value is not null")
		return false
	case "array", "object", "coderef":
		if (typ == "array" && v.kind == kindArray) || (typ == "object" && v.kind == kindObject) {
			return true
		}
		e.add(path, msgTypeCheckBare(typ))
		return false
	}
	if v.kind != kindScalar {
		if typ == "boolean" && v.kind == kindBool {
			return true
		}
		e.add(path, msgTypeCheckRef(typ, v.refName()))
		return false
	}
	ok := true
	switch typ {
	case "boolean":
		ok = v.s == "1" || v.s == "0"
	case "integer":
		ok = isInteger(v.s)
	case "number":
		ok = isNumber(v.s)
	}
	if !ok {
		e.add(path, msgTypeCheck(typ, v.s))
	}
	return ok
}

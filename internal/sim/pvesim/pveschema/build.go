package pveschema

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// builder compiles raw schema properties, sharing compiled patterns and
// recording what cannot be checked.
type builder struct {
	patterns          map[string]*regexp.Regexp
	uncheckedFormats  map[string]bool
	uncheckedPatterns map[string]bool
}

func newBuilder() *builder {
	return &builder{
		patterns:          make(map[string]*regexp.Regexp),
		uncheckedFormats:  make(map[string]bool),
		uncheckedPatterns: make(map[string]bool),
	}
}

// params compiles a method's parameter schema.
func (b *builder) params(raw *rawObject) (objectSchema, error) {
	if raw == nil {
		return newObjectSchema(map[string]*Property{}, nil, true), nil
	}
	props := make(map[string]*Property, len(raw.Properties))
	var indexed []indexedProp
	for name, rp := range raw.Properties {
		p, err := b.property(name, &rp, raw.Properties)
		if err != nil {
			return objectSchema{}, fmt.Errorf("parameter %s: %w", name, err)
		}
		if ip, ok := newIndexedProp(name, p); ok {
			indexed = append(indexed, ip)
			continue
		}
		props[name] = p
	}
	sort.Slice(indexed, func(i, j int) bool { return indexed[i].prefix < indexed[j].prefix })
	// An absent additionalProperties is undef in Perl, which allows them.
	additional := raw.AdditionalProperties == nil || bool(*raw.AdditionalProperties)
	return newObjectSchema(props, indexed, additional), nil
}

// property compiles one property; siblings are the other properties of the
// same object, for formats resolved through siblingFormats.
func (b *builder) property(name string, r *rawProperty, siblings map[string]rawProperty) (*Property, error) {
	p := &Property{
		Name:          name,
		Type:          r.Type,
		Optional:      bool(r.Optional),
		Description:   r.Description,
		Typetext:      r.Typetext,
		Format:        r.Format.Name,
		Enum:          []string(r.Enum),
		DefaultKey:    bool(r.DefaultKey),
		Alias:         r.Alias,
		KeyAlias:      r.KeyAlias,
		requires:      r.Requires,
		minimum:       r.Minimum,
		maximum:       r.Maximum,
		minLength:     r.MinLength,
		maxLength:     r.MaxLength,
		enumText:      strings.Join(r.Enum, ", "),
		instanceTypes: r.InstanceTypes,
		typeProperty:  r.TypeProperty,
	}
	if r.Pattern != "" {
		p.pattern = b.pattern(r.Pattern)
	}
	if r.Items != nil {
		items, err := b.property(name, r.Items, nil)
		if err != nil {
			return nil, err
		}
		p.items = items
	}
	for i := range r.OneOf {
		alt, err := b.property(name, &r.OneOf[i], siblings)
		if err != nil {
			return nil, err
		}
		p.oneOf = append(p.oneOf, alt)
	}
	if err := b.resolveFormat(p, r, siblings); err != nil {
		return nil, err
	}
	return p, nil
}

// resolveFormat decides how a property's format is checked.
func (b *builder) resolveFormat(p *Property, r *rawProperty, siblings map[string]rawProperty) error {
	if r.Format.Keys != nil {
		ps, err := b.propertyString(r.Format.Keys)
		if err != nil {
			return err
		}
		p.PropertyString = ps
		p.format = formatCheck{kind: fmtPropString, ps: ps}
		return nil
	}
	name := r.Format.Name
	if name == "" || name == "regex" {
		return nil
	}
	if fc, ok := codeFormat(name); ok {
		p.format = fc
		return nil
	}
	if sib, ok := siblings[siblingFormats[name]]; ok && sib.Format.Keys != nil {
		ps, err := b.propertyString(sib.Format.Keys)
		if err != nil {
			return err
		}
		p.PropertyString = ps
		p.format = formatCheck{kind: fmtPropString, ps: ps}
		return nil
	}
	if ps, ok := derivePropertyString(r.Typetext); ok {
		p.PropertyString = ps
		p.format = formatCheck{kind: fmtPropString, ps: ps}
		return nil
	}
	b.uncheckedFormats[name] = true
	p.format = formatCheck{kind: fmtUnchecked}
	return nil
}

// propertyString compiles an inline property-string format.
func (b *builder) propertyString(keys map[string]rawProperty) (*PropertyString, error) {
	ps := &PropertyString{}
	props := make(map[string]*Property, len(keys))
	for k, rk := range keys {
		p, err := b.property(k, &rk, nil)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", k, err)
		}
		if p.DefaultKey {
			ps.defaultKey = k
		}
		props[k] = p
	}
	// parse_property_string never allows keys outside the format, and it
	// resolves aliases itself, so check_object has none left to remap.
	ps.obj = newObjectSchema(props, nil, false)
	ps.obj.hasAliases = false
	return ps, nil
}

// pattern compiles a schema pattern once; patterns RE2 cannot express are
// recorded and go unchecked.
func (b *builder) pattern(src string) *regexp.Regexp {
	if re, ok := b.patterns[src]; ok {
		return re
	}
	re, err := compilePattern(src)
	if err != nil {
		b.uncheckedPatterns[src] = true
		re = nil
	}
	b.patterns[src] = re
	return re
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

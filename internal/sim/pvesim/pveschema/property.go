package pveschema

import (
	"regexp"
	"sort"
)

// Property is the schema of one API parameter or one property-string key,
// as Proxmox declares it. It is immutable once loaded.
type Property struct {
	// Name is the schema name: "vmid", "net[n]", or a property-string key.
	Name string
	// Type is "string", "integer", "number", "boolean", "array", ... or ""
	// (no type: anything goes).
	Type        string
	Optional    bool
	Description string
	Typetext    string
	// Format is the named format as the schema gives it ("pve-vmid",
	// "pve-tag-list"); "" when there is none or the format is an inline
	// property string.
	Format string
	Enum   []string
	// PropertyString describes the keys of a property-string value such as
	// net[n]; nil for plain values and for formats Labforge cannot resolve.
	PropertyString *PropertyString
	// DefaultKey marks the property-string key that may be given bare.
	DefaultKey bool
	// Alias names the key this one stands for; KeyAlias the key that records
	// which alias was used (QEMU's "virtio=<mac>" sets model and macaddr).
	Alias, KeyAlias string

	requires      string
	pattern       *regexp.Regexp
	minimum       *perlNumber
	maximum       *perlNumber
	minLength     *perlNumber
	maxLength     *perlNumber
	enumText      string
	items         *Property
	oneOf         []*Property
	instanceTypes []string
	typeProperty  string
	format        formatCheck
}

// objectSchema is a set of properties checked the way check_object does:
// a method's parameters or a property string's keys.
type objectSchema struct {
	props map[string]*Property
	names []string // sorted keys of props
	// checkAbsent are the names whose absence check_prop may report:
	// required properties and oneOf properties.
	checkAbsent []string
	indexed     []indexedProp
	additional  bool // keys outside the schema are allowed
	hasAliases  bool
}

func newObjectSchema(props map[string]*Property, indexed []indexedProp, additional bool) objectSchema {
	o := objectSchema{props: props, indexed: indexed, additional: additional}
	for name, p := range props {
		o.names = append(o.names, name)
		o.hasAliases = o.hasAliases || p.Alias != ""
	}
	sort.Strings(o.names)
	for _, name := range o.names {
		if p := props[name]; (!p.Optional && p.Alias == "") || len(p.oneOf) > 0 {
			o.checkAbsent = append(o.checkAbsent, name)
		}
	}
	return o
}

// lookup returns the property for a concrete key, resolving indexed keys.
func (o *objectSchema) lookup(key string) *Property {
	if p := o.props[key]; p != nil {
		return p
	}
	for i := range o.indexed {
		if o.indexed[i].matches(key) {
			return o.indexed[i].prop
		}
	}
	return nil
}

// all returns every property, exact and indexed, sorted by schema name.
func (o *objectSchema) all() []*Property {
	out := make([]*Property, 0, len(o.names)+len(o.indexed))
	for _, n := range o.names {
		out = append(out, o.props[n])
	}
	for _, ip := range o.indexed {
		out = append(out, ip.prop)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PropertyString is the schema of a comma-separated key=value value, such
// as QEMU's net[n] ("virtio=BC:24:11:00:00:01,bridge=vmbr0").
type PropertyString struct {
	obj        objectSchema
	defaultKey string
	// derived marks a format reconstructed from a typetext: only key names,
	// required keys and boolean/integer/number types are known.
	derived bool
}

// Keys returns the property-string keys, sorted, aliases included.
func (ps *PropertyString) Keys() []string { return append([]string(nil), ps.obj.names...) }

// Key returns the schema of one key.
func (ps *PropertyString) Key(name string) (*Property, bool) {
	p, ok := ps.obj.props[name]
	return p, ok
}

// DefaultKey returns the key a bare value stands for, or "".
func (ps *PropertyString) DefaultKey() string { return ps.defaultKey }

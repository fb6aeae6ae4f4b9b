package pveschema

// Method is one API method (an HTTP method on a path template), immutable
// once loaded and safe for concurrent use.
type Method struct {
	HTTPMethod  string // GET, POST, PUT or DELETE
	Path        string // template relative to /api2/json, e.g. "/nodes/{node}/qemu/{vmid}/clone"
	Name        string // Proxmox's method name, e.g. "clone_vm"
	Description string
	Protected   bool   // runs in the privileged daemon
	AllowToken  bool   // API tokens may call it
	ProxyTo     string // parameter naming the node the call is proxied to, or ""

	params objectSchema
}

// Params returns the method's parameters sorted by schema name; indexed
// parameters appear once, as "net[n]".
func (m *Method) Params() []*Property { return m.params.all() }

// Param returns the schema of a concrete parameter name, resolving indexed
// names ("net3" to net[n]) within the indices the live API defines.
func (m *Method) Param(name string) (*Property, bool) {
	p := m.params.lookup(name)
	return p, p != nil
}

// AdditionalProperties reports whether the method accepts parameters its
// schema does not define (true for the few methods that do not forbid them).
func (m *Method) AdditionalProperties() bool { return m.params.additional }

// Validate checks a request's parameters (path parameters merged with query
// and form parameters, values as they arrive on the wire) as Proxmox does
// before running the method. It returns Proxmox's message for every
// rejected parameter, keyed by parameter name ("net0", "vmid"), or nil when
// the request is valid. The messages are verbatim, including their trailing
// newlines where Proxmox has them; a 400 with ParameterVerificationFailed
// carries them.
//
// Wire values are strings, so booleans must be "1" or "0" as the real API
// requires ("true" is rejected there too); inside property strings
// parse_boolean's spellings (yes/no, on/off, true/false) are accepted.
func (m *Method) Validate(params map[string]string) map[string]string {
	vals := make(map[string]value, len(params))
	for k, s := range params {
		vals[k] = value{s: s}
	}
	return m.validate(vals)
}

// ValidateAny is Validate for decoded request bodies: values may be string,
// bool, json.Number, float64, int, int64, []string (a repeated query key),
// []any, map[string]any or nil (a key without a value), and are judged as
// pve-http-server hands them to the validator: JSON true/false pass as
// booleans, arrays are joined for "-list" string formats and single values
// are wrapped for array parameters.
func (m *Method) ValidateAny(params map[string]any) map[string]string {
	vals := make(map[string]value, len(params))
	for k, x := range params {
		vals[k] = valueOf(x)
	}
	normalizeLegacyParams(&m.params, vals)
	return m.validate(vals)
}

func (m *Method) validate(vals map[string]value) map[string]string {
	var e errs
	checkObject("", &m.params, vals, &e)
	if len(e) == 0 {
		return nil
	}
	return e
}

// normalizeLegacyParams mirrors RESTHandler's $normalize_legacy_param_formats:
// arrays become comma-joined strings where a "-list" string format is
// expected, and true scalars become one-element arrays where an array is.
func normalizeLegacyParams(o *objectSchema, vals map[string]value) {
	for key, v := range vals {
		p := o.props[key]
		if p == nil || !v.truthy() {
			continue
		}
		switch {
		case v.kind == kindArray && p.Type == "string" && hasListSuffix(p.Format):
			s := ""
			for i, it := range v.items {
				if i > 0 {
					s += ","
				}
				s += it.s
			}
			vals[key] = value{s: s}
		case v.kind == kindScalar && p.Type == "array":
			vals[key] = value{kind: kindArray, items: []value{v}}
		}
	}
}

func hasListSuffix(format string) bool {
	_, suffix := splitFormatName(format)
	return suffix == "list"
}

package pveschema

import (
	"errors"
	"sort"
	"strings"
)

// parse mirrors JSONSchema::parse_property_string followed by its
// check_object: it returns the keys with canonical names (aliases resolved,
// booleans as "1"/"0"), or the message Proxmox dies with.
func (ps *PropertyString) parse(data, path string) (map[string]value, string) {
	res := make(map[string]value, 4)
	usedDefault := ""
	for _, part := range strings.Split(data, ",") {
		if isBlank(part) {
			continue
		}
		if k, v, ok := splitKeyValue(part); ok {
			if _, dup := res[k]; dup {
				return nil, msgDuplicateKey(k)
			}
			p := ps.obj.props[k]
			if p != nil && p.Alias != "" {
				if p.KeyAlias != "" {
					if _, dup := res[p.KeyAlias]; dup {
						return nil, msgKeyAliasDefined(p.KeyAlias)
					}
					res[p.KeyAlias] = value{s: k}
				}
				k = p.Alias
				p = ps.obj.props[k]
				if _, dup := res[k]; dup {
					return nil, msgKeyDefinedViaAlias(k)
				}
			}
			if p == nil && !ps.obj.additional {
				return nil, msgInvalidKey(k)
			}
			res[k] = value{s: normalizeBool(p, v)}
			continue
		}
		if strings.Contains(part, "=") {
			return nil, msgMissingKey
		}
		if usedDefault != "" {
			return nil, msgDuplicateKey(usedDefault)
		}
		if ps.defaultKey == "" {
			return nil, msgNoDefaultKey
		}
		usedDefault = ps.defaultKey
		if res[usedDefault].truthy() {
			return nil, msgDuplicateKey(usedDefault)
		}
		res[usedDefault] = value{s: normalizeBool(ps.obj.props[usedDefault], part)}
	}
	var e errs
	checkObject(path, &ps.obj, res, &e)
	if len(e) > 0 {
		return nil, formatErrorMessage(e)
	}
	return res, ""
}

// isBlank mirrors m/^\s*$/.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isPerlSpace(s[i]) {
			return false
		}
	}
	return true
}

// splitKeyValue mirrors m/^([^=]+)=(.+)$/: a non-empty key before the first
// "=" and a non-empty value after it.
func splitKeyValue(part string) (k, v string, ok bool) {
	k, v, found := strings.Cut(part, "=")
	v = chompPerl(v)
	if !found || k == "" || v == "" || strings.Contains(v, "\n") {
		return "", "", false
	}
	return k, v, true
}

// normalizeBool applies parse_boolean to boolean keys, keeping values it
// does not recognise so that check_type reports them.
func normalizeBool(p *Property, v string) string {
	if p == nil || p.Type != "boolean" {
		return v
	}
	if b, ok := parseBoolean(v); ok {
		if b {
			return "1"
		}
		return "0"
	}
	return v
}

// formatErrorMessage renders the exception parse_property_string raises
// ("format error\n" and one "path: message\n" line per error) as
// PVE::Exception stringifies it; lines are sorted where Perl's are in hash
// order.
func formatErrorMessage(e errs) string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(msgFormatError)
	for _, k := range keys {
		b.WriteString(k + ": " + e[k] + "\n")
	}
	return b.String()
}

// Parse parses a property-string value (e.g. net0's
// "virtio=BC:24:11:00:00:01,bridge=vmbr0") the way Proxmox does, returning
// its keys under their canonical names (model=virtio, macaddr=...) with
// booleans as "1"/"0". The error carries Proxmox's message.
func (ps *PropertyString) Parse(data string) (map[string]string, error) {
	res, msg := ps.parse(data, "")
	if msg != "" {
		return nil, errors.New(strings.TrimSuffix(msg, "\n"))
	}
	out := make(map[string]string, len(res))
	for k, v := range res {
		out[k] = v.s
	}
	return out, nil
}

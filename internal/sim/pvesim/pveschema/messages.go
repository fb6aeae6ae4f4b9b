package pveschema

// Proxmox's own wording, from pve-common's PVE::JSONSchema (check_prop,
// check_object, check_type, parse_property_string) and pve-manager's
// PVE::HTTPServer::rest_handler. Tests compare against these byte for byte.
const (
	// ParameterVerificationFailed is the message (and HTTP reason phrase) of
	// the 400 that carries the per-parameter errors.
	ParameterVerificationFailed = "Parameter verification failed."

	msgMissing       = "property is missing and it is not optional"
	msgNotDefined    = "property is not defined in schema and the schema does not allow additional properties"
	msgPattern       = "value does not match the regex pattern"
	msgInvalidFormat = "invalid format - "
	msgFormatError   = "format error\n"

	// msgConflictingURIParam is rest_handler's error when a body or query
	// parameter repeats a path parameter with another value.
	msgConflictingURIParam = "duplicate parameter (already defined in URI) with conflicting values!"
)

func msgTypeCheck(typ, got string) string {
	return "type check ('" + typ + "') failed - got '" + got + "'"
}

// msgTypeCheckRef is check_type's message for a JSON array, object or
// boolean where a scalar of another type is expected; ref is Perl's ref().
func msgTypeCheckRef(typ, ref string) string {
	return "type check ('" + typ + "') failed - got " + ref
}

func msgTypeCheckBare(typ string) string {
	return "type check ('" + typ + "') failed"
}

func msgMaxLength(n string) string { return "value may only be " + n + " characters long" }
func msgMinLength(n string) string { return "value must be at least " + n + " characters long" }
func msgMaximum(n string) string   { return "value must have a maximum value of " + n }
func msgMinimum(n string) string   { return "value must have a minimum value of " + n }

func msgEnum(v, list string) string {
	return "value '" + v + "' does not have a value in the enumeration '" + list + "'"
}

func msgRequiredBy(path string) string { return "missing property required by '" + path + "'" }

// Property-string parse errors (parse_property_string dies with these).
func msgDuplicateKey(k string) string {
	return "duplicate key in comma-separated list property: " + k + "\n"
}
func msgKeyAliasDefined(k string) string { return "key alias '" + k + "' is already defined\n" }
func msgKeyDefinedViaAlias(k string) string {
	return "key '" + k + "' is already defined (via alias)\n"
}
func msgInvalidKey(k string) string {
	return "invalid key in comma-separated list property: " + k + "\n"
}

const (
	msgNoDefaultKey = "value without key, but schema does not define a default key\n"
	msgMissingKey   = "missing key in comma-separated list property\n"
)

package pveschema

import (
	"strconv"
	"strings"
)

// chompPerl drops the one trailing newline that Perl's "$" anchor tolerates.
func chompPerl(s string) string {
	return strings.TrimSuffix(s, "\n")
}

// isInteger mirrors JSONSchema::is_integer: m/^[+-]?\d+$/.
func isInteger(s string) bool {
	s = chompPerl(s)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && allDigits(s)
}

// isNumber mirrors JSONSchema::is_number:
// m/^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.
func isNumber(s string) bool {
	s = chompPerl(s)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			exp = exp[1:]
		}
		if exp == "" || !allDigits(exp) {
			return false
		}
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	if !hasDot {
		return intPart != "" && allDigits(intPart)
	}
	if intPart == "" && frac == "" {
		return false
	}
	return (intPart == "" || allDigits(intPart)) && (frac == "" || allDigits(frac))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// numericValue is the value Perl compares when it uses s as a number; it is
// only called on strings that pass isNumber.
func numericValue(s string) float64 {
	v, _ := strconv.ParseFloat(strings.TrimPrefix(chompPerl(s), "+"), 64)
	return v
}

// perlFloatString formats a float the way Perl stringifies a number (%.15g).
func perlFloatString(v float64) string {
	return strconv.FormatFloat(v, 'g', 15, 64)
}

// perlTrue mirrors Perl truthiness of a string: false for "" and "0".
func perlTrue(s string) bool { return s != "" && s != "0" }

// parseBoolean mirrors JSONSchema::parse_boolean: 1/on/yes/true and
// 0/off/no/false, case-insensitively.
func parseBoolean(s string) (v, ok bool) {
	switch strings.ToLower(chompPerl(s)) {
	case "1", "on", "yes", "true":
		return true, true
	case "0", "off", "no", "false":
		return false, true
	}
	return false, false
}

// ParseBool reports the boolean a Proxmox boolean string stands for, with
// PVE's parse_boolean rules (1/0, on/off, yes/no, true/false, any case).
// The API itself only accepts "1" and "0" for top-level boolean parameters;
// the other spellings are valid inside property strings.
func ParseBool(s string) (value, ok bool) { return parseBoolean(s) }

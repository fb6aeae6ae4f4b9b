package pveschema

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// valueKind distinguishes what PVE's Perl sees: a plain scalar, undef, or
// a reference (JSON array, object or boolean).
type valueKind uint8

const (
	kindScalar valueKind = iota
	kindUndef            // JSON null, or a query key without "="
	kindBool             // JSON true/false (a JSON::PP::Boolean)
	kindArray
	kindObject
)

// value is one request parameter as PVE's validator sees it.
type value struct {
	kind  valueKind
	s     string // scalar text; "1"/"0" for kindBool
	items []value
}

// refName is Perl's ref() of a reference value, as check_type prints it.
func (v value) refName() string {
	switch v.kind {
	case kindArray:
		return "ARRAY"
	case kindObject:
		return "HASH"
	case kindBool:
		return "JSON::PP::Boolean"
	}
	return ""
}

// valueOf converts a decoded request value. Strings are taken as they
// arrived; numbers are stringified as Perl stringifies what JSON decoded
// (integers verbatim, others %.15g); []string stands for a repeated query
// key, which pve-http-server turns into an array.
func valueOf(x any) value {
	switch t := x.(type) {
	case nil:
		return value{kind: kindUndef}
	case string:
		return value{s: t}
	case bool:
		if t {
			return value{kind: kindBool, s: "1"}
		}
		return value{kind: kindBool, s: "0"}
	case json.Number:
		if isInteger(string(t)) {
			return value{s: string(t)}
		}
		f, err := t.Float64()
		if err != nil {
			return value{s: string(t)}
		}
		return value{s: perlFloatString(f)}
	case float64:
		return value{s: perlFloatString(t)}
	case float32:
		return value{s: perlFloatString(float64(t))}
	case int:
		return value{s: strconv.Itoa(t)}
	case int64:
		return value{s: strconv.FormatInt(t, 10)}
	case uint64:
		return value{s: strconv.FormatUint(t, 10)}
	case []string:
		items := make([]value, len(t))
		for i, s := range t {
			items[i] = value{s: s}
		}
		return value{kind: kindArray, items: items}
	case []any:
		items := make([]value, len(t))
		for i, e := range t {
			items[i] = valueOf(e)
		}
		return value{kind: kindArray, items: items}
	case map[string]any:
		return value{kind: kindObject}
	}
	return value{s: fmt.Sprint(x)}
}

// truthy is Perl truthiness of the value.
func (v value) truthy() bool {
	switch v.kind {
	case kindUndef:
		return false
	case kindScalar, kindBool:
		return perlTrue(v.s)
	}
	return true
}

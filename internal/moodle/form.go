package moodle

import (
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// form is an ordered list of form fields. Order matters to Moodle: PHP
// builds arrays in the order their keys first appear, and Moodle answers
// in that order (url.Values would sort courses[10] before courses[2]).
type form struct {
	keys []string
	vals []string
}

func (f *form) add(key, val string) {
	f.keys = append(f.keys, key)
	f.vals = append(f.vals, val)
}

// encode renders the fields as application/x-www-form-urlencoded.
func (f *form) encode() string {
	var b strings.Builder
	for i, k := range f.keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(f.vals[i]))
	}
	return b.String()
}

// encodeParams adds params to f in PHP bracket notation. params is a
// struct (each exported field under its `moodle` tag name), a map with
// string keys (in key order) or nil. Nested values follow the same rules:
// slices and arrays become name[0], name[1], ...; structs and maps become
// name[key]; booleans are 1 or 0; nil pointers, nil interfaces and fields
// tagged omitempty holding their zero value are left out.
func encodeParams(f *form, params any) error {
	if params == nil {
		return nil
	}
	v := reflect.ValueOf(params)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct, reflect.Map:
		return encodeFields(f, "", v)
	}
	return fmt.Errorf("parameters must be a struct or a map, not %s", v.Type())
}

// encodeValue adds v under name.
func encodeValue(f *form, name string, v reflect.Value) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		f.add(name, v.String())
	case reflect.Bool:
		f.add(name, boolDigit(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.add(name, strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f.add(name, strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f.add(name, strconv.FormatFloat(v.Float(), 'f', -1, v.Type().Bits()))
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := encodeValue(f, name+"["+strconv.Itoa(i)+"]", v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Struct, reflect.Map:
		return encodeFields(f, name, v)
	default:
		return fmt.Errorf("parameter %s: cannot encode a %s", name, v.Type())
	}
	return nil
}

// encodeFields adds the fields of a struct or map v, each under
// prefix[key] (or key at the top level).
func encodeFields(f *form, prefix string, v reflect.Value) error {
	sub := func(key string) string {
		if prefix == "" {
			return key
		}
		return prefix + "[" + key + "]"
	}
	if v.Kind() == reflect.Map {
		if v.Type().Key().Kind() != reflect.String {
			return fmt.Errorf("parameter %s: map keys must be strings", prefix)
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			if err := encodeValue(f, sub(k.String()), v.MapIndex(k)); err != nil {
				return err
			}
		}
		return nil
	}
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("moodle"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		fv := v.Field(i)
		if opts == "omitempty" && fv.IsZero() {
			continue
		}
		if err := encodeValue(f, sub(name), fv); err != nil {
			return err
		}
	}
	return nil
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

package moodle

import (
	"reflect"
	"testing"
)

func TestParsePHPForm(t *testing.T) {
	tests := []struct {
		raw  string
		want any // nested map[string]any / string, with "keys" order checked separately
	}{
		{"a=1&b=x+y", map[string]any{"a": "1", "b": "x y"}},
		{"courses%5B0%5D%5Bid%5D=5&courses[0][visible]=0", map[string]any{"courses": map[string]any{"0": map[string]any{"id": "5", "visible": "0"}}}},
		{"a[]=x&a[]=y&a[7]=z&a[]=w", map[string]any{"a": map[string]any{"0": "x", "1": "y", "7": "z", "8": "w"}}},
		{"a=1&a[b]=2", map[string]any{"a": map[string]any{"b": "2"}}},
		{"a[b]=2&a=1", map[string]any{"a": "1"}},
		{"a[b=1&c[d]]=2&e[f]g=3", map[string]any{"a_b": "1", "c": map[string]any{"d": "2"}, "e": map[string]any{"f": "3"}}},
		{"=x&&b=", map[string]any{"b": ""}},
	}
	for _, tt := range tests {
		root := newArray()
		if err := parsePHPForm(root, tt.raw); err != nil {
			t.Fatalf("%s: %v", tt.raw, err)
		}
		if got := plain(root); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %#v\nwant %#v", tt.raw, got, tt.want)
		}
	}
	root := newArray()
	_ = parsePHPForm(root, "ids[10]=a&ids[2]=b&ids[0]=c")
	if got := root.kids["ids"].keys; !reflect.DeepEqual(got, []string{"10", "2", "0"}) {
		t.Errorf("keys in order of appearance: %v", got)
	}
	if err := parsePHPForm(newArray(), "a=%zz"); err == nil {
		t.Error("a bad escape was accepted")
	}
}

func plain(n *node) any {
	if n.leaf {
		return n.value
	}
	m := map[string]any{}
	for k, c := range n.kids {
		m[k] = plain(c)
	}
	return m
}

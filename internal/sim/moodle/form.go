package moodle

import (
	"net/url"
	"strconv"
	"strings"
)

// node is one value of a PHP request array as PHP builds it from form
// fields: a scalar, or an array whose keys keep the order in which they
// first appeared (PHP arrays are ordered, and Moodle walks them in order).
type node struct {
	leaf  bool
	value string
	keys  []string
	kids  map[string]*node
}

func newArray() *node { return &node{kids: map[string]*node{}} }

// child returns the array element key, creating it (and turning a scalar
// n into an array, as PHP does when a later field nests under it).
func (n *node) child(key string) *node {
	if n.leaf {
		*n = *newArray()
	}
	if key == "" { // "a[]" appends with the next integer key
		key = strconv.Itoa(n.nextIndex())
	}
	c, ok := n.kids[key]
	if !ok {
		c = newArray()
		n.kids[key] = c
		n.keys = append(n.keys, key)
	}
	return c
}

// nextIndex is the integer key PHP gives an appended element: one more
// than the largest integer key so far, or 0.
func (n *node) nextIndex() int {
	next := 0
	for _, k := range n.keys {
		if i, err := strconv.Atoi(k); err == nil && i >= next {
			next = i + 1
		}
	}
	return next
}

func (n *node) set(value string) { *n = node{leaf: true, value: value} }

// parsePHPForm parses an application/x-www-form-urlencoded string the way
// PHP fills $_GET and $_POST: "courses[0][id]=5" becomes
// courses => [0 => [id => "5"]]. Later fields overwrite earlier ones.
func parsePHPForm(root *node, raw string) error {
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return err
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return err
		}
		name, path := splitBrackets(key)
		if name == "" {
			continue
		}
		n := root.child(name)
		for _, seg := range path {
			n = n.child(seg)
		}
		n.set(val)
	}
	return nil
}

// splitBrackets splits "a[b][c]" into "a" and [b c], as PHP does: when
// the first bracket is never closed it becomes "_" ("a[b" is "a_b"), and
// text after the last closed bracket is dropped.
func splitBrackets(key string) (string, []string) {
	i := strings.IndexByte(key, '[')
	if i < 0 {
		return key, nil
	}
	if !strings.Contains(key[i:], "]") {
		return key[:i] + "_" + key[i+1:], nil
	}
	name, rest := key[:i], key[i:]
	var path []string
	for strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		path = append(path, rest[1:end])
		rest = rest[end+1:]
	}
	return name, path
}

// remove deletes key from an array node and returns its value.
func (n *node) remove(key string) (*node, bool) {
	c, ok := n.kids[key]
	if !ok {
		return nil, false
	}
	delete(n.kids, key)
	for i, k := range n.keys {
		if k == key {
			n.keys = append(n.keys[:i], n.keys[i+1:]...)
			break
		}
	}
	return c, true
}

// scalar returns a top-level scalar field, or "" when absent or an array.
func (n *node) scalar(key string) string {
	if c, ok := n.kids[key]; ok && c.leaf {
		return c.value
	}
	return ""
}

// String renders a value as PHP's print_r-like debug output would show it
// in Moodle's messages: the scalar itself, or "Array".
func (n *node) String() string {
	if n.leaf {
		return n.value
	}
	return "Array"
}

package mail

import (
	"fmt"
	"reflect"
	"strings"
	"text/template/parse"
)

// checkTree checks that every field a template refers to exists in root
// (the data struct), following dot through range and with. Where a type
// is unknown (a function's result) it stops checking that chain. Named
// templates ({{define}}, {{template}}) are refused: they would hide
// fields from the check.
func checkTree(tree *parse.Tree, templates int, root reflect.Type) error {
	if templates > 1 {
		return fmt.Errorf("must not define named templates ({{define}} or {{block}})")
	}
	if tree == nil || tree.Root == nil {
		return nil
	}
	c := &checker{root: root, vars: map[string]reflect.Type{"$": root}}
	return c.walk(tree.Root, root)
}

type checker struct {
	root reflect.Type
	// vars are the types of the variables declared so far ($x := ...).
	vars map[string]reflect.Type
}

func (c *checker) walk(n parse.Node, dot reflect.Type) error {
	switch n := n.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, child := range n.Nodes {
			if err := c.walk(child, dot); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		_, err := c.pipe(n.Pipe, dot)
		return err
	case *parse.IfNode:
		return c.branch(&n.BranchNode, dot, false)
	case *parse.WithNode:
		return c.branch(&n.BranchNode, dot, true)
	case *parse.RangeNode:
		t, err := c.pipe(n.Pipe, dot)
		if err != nil {
			return err
		}
		elem := elemType(t)
		if len(n.Pipe.Decl) == 2 {
			c.vars[n.Pipe.Decl[0].Ident[0]] = nil
			c.vars[n.Pipe.Decl[1].Ident[0]] = elem
		} else if len(n.Pipe.Decl) == 1 {
			c.vars[n.Pipe.Decl[0].Ident[0]] = elem
		}
		if err := c.walk(n.List, elem); err != nil {
			return err
		}
		return c.walk(n.ElseList, dot)
	case *parse.TemplateNode:
		return fmt.Errorf("must not include named templates ({{template %q}})", n.Name)
	}
	return nil
}

// branch checks an if or with: with moves dot to its pipeline's value.
func (c *checker) branch(n *parse.BranchNode, dot reflect.Type, moves bool) error {
	t, err := c.pipe(n.Pipe, dot)
	if err != nil {
		return err
	}
	inner := dot
	if moves {
		inner = t
	}
	if err := c.walk(n.List, inner); err != nil {
		return err
	}
	return c.walk(n.ElseList, dot)
}

// pipe checks a pipeline and returns the type of its value (nil when unknown).
func (c *checker) pipe(p *parse.PipeNode, dot reflect.Type) (reflect.Type, error) {
	if p == nil {
		return nil, nil
	}
	var t reflect.Type
	for _, cmd := range p.Cmds {
		var err error
		if t, err = c.command(cmd, dot); err != nil {
			return nil, err
		}
	}
	for _, d := range p.Decl {
		c.vars[d.Ident[0]] = t
	}
	return t, nil
}

// command checks every argument of cmd and returns the type of its value.
func (c *checker) command(cmd *parse.CommandNode, dot reflect.Type) (reflect.Type, error) {
	var first reflect.Type
	for i, arg := range cmd.Args {
		t, err := c.arg(arg, dot)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			first = t
		}
	}
	if len(cmd.Args) > 1 {
		return nil, nil // a function call: its result's type is not tracked
	}
	return first, nil
}

func (c *checker) arg(n parse.Node, dot reflect.Type) (reflect.Type, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot, nil
	case *parse.FieldNode:
		return resolve(dot, n.Ident, "")
	case *parse.VariableNode:
		t := c.vars[n.Ident[0]]
		return resolve(t, n.Ident[1:], n.Ident[0])
	case *parse.ChainNode:
		t, err := c.arg(n.Node, dot)
		if err != nil {
			return nil, err
		}
		return resolve(t, n.Field, "(...)")
	case *parse.PipeNode:
		return c.pipe(n, dot)
	}
	return nil, nil // literals and function names
}

// resolve follows the field (or method) names path from t. prefix is the
// variable the path starts from, for the error message.
func resolve(t reflect.Type, path []string, prefix string) (reflect.Type, error) {
	for i, name := range path {
		if t == nil {
			return nil, nil
		}
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if m, ok := t.MethodByName(name); ok && m.Type.NumOut() > 0 {
			t = m.Type.Out(0)
			continue
		}
		if t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName(name); ok && f.IsExported() {
				t = f.Type
				continue
			}
		}
		return nil, fmt.Errorf("refers to unknown field %s%s; %s", prefix, "."+strings.Join(path[:i+1], "."), fieldsOf(t))
	}
	return t, nil
}

// fieldsOf describes what t offers, for an error message.
func fieldsOf(t reflect.Type) string {
	if t.Kind() != reflect.Struct || t.NumField() == 0 {
		return "a " + t.String() + " has no fields"
	}
	var names []string
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			names = append(names, "."+t.Field(i).Name)
		}
	}
	return "the fields there are " + strings.Join(names, ", ")
}

// elemType is the type of range's elements over t (nil when unknown).
func elemType(t reflect.Type) reflect.Type {
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
		return t.Elem()
	}
	return nil
}

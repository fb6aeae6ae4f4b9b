package clienterr_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/labforge/labforge/internal/clienterr"
)

type kind string

func (k kind) Error() string { return string(k) }

type failure struct{ k kind }

func (f *failure) Error() string         { return "failed: " + string(f.k) }
func (f *failure) Is(target error) bool  { return clienterr.SameKind(f.k, target, kindOfFailure) }
func kindOfFailure(f *failure) kind      { return f.k }
func kindOf(err error) kind              { return clienterr.KindOf(err, kindOfFailure, "transient", "unknown") }
func wrap(err error) error               { return fmt.Errorf("calling: %w", err) }
func same(a error, b error) (bool, bool) { return errors.Is(a, b), errors.Is(b, a) }
func TestKindOfAndSameKind(t *testing.T) {
	locked := &failure{k: "locked"}
	for err, want := range map[error]kind{
		nil:                      "",
		wrap(locked):             "locked",
		wrap(context.Canceled):   "transient",
		context.DeadlineExceeded: "transient",
		errors.New("other"):      "unknown",
	} {
		if got := kindOf(err); got != want {
			t.Errorf("KindOf(%v) = %q, want %q", err, got, want)
		}
	}
	if !errors.Is(wrap(locked), kind("locked")) || errors.Is(wrap(locked), kind("other")) {
		t.Error("an error matches its kind only")
	}
	if a, _ := same(wrap(locked), &failure{k: "locked"}); !a {
		t.Error("an error matches another of its kind")
	}
	if a, _ := same(locked, &failure{k: "busy"}); a {
		t.Error("an error does not match one of another kind")
	}
}

package benchstack

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Settings fills a benchmark's parameters that no flag set from their
// LABFORGE_BENCH_* variables: each method leaves a non-zero *dst (its
// flag was given) alone, reads the variable otherwise, and keeps the
// first malformed value's error for Err.
type Settings struct{ errs []error }

// Int reads variable name into *dst unless *dst is set.
func (s *Settings) Int(dst *int, name string) { pick(s, dst, name, strconv.Atoi) }

// Float reads variable name into *dst unless *dst is set.
func (s *Settings) Float(dst *float64, name string) {
	pick(s, dst, name, func(v string) (float64, error) { return strconv.ParseFloat(v, 64) })
}

// Duration reads variable name into *dst unless *dst is set.
func (s *Settings) Duration(dst *time.Duration, name string) { pick(s, dst, name, time.ParseDuration) }

// Bool reads variable name into *dst unless *dst is true.
func (s *Settings) Bool(dst *bool, name string) { pick(s, dst, name, strconv.ParseBool) }

// Err reports the malformed variables.
func (s *Settings) Err() error { return errors.Join(s.errs...) }

func pick[T comparable](s *Settings, dst *T, name string, parse func(string) (T, error)) {
	var zero T
	v := os.Getenv(name)
	if *dst != zero || v == "" {
		return
	}
	got, err := parse(v)
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("%s=%q: %w", name, v, err))
		return
	}
	*dst = got
}

// Default sets *v to def when it is zero.
func Default[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

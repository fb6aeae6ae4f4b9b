package pveschema

import "testing"

func TestTranslatePerlRegex(t *testing.T) {
	tests := []struct{ in, want string }{
		{`(?^:\d+(?:;\d+)*)`, `(?:\d+(?:;\d+)*)`},
		{`(?^i:[a-z0-9_]+)`, `(?i:[a-z0-9_]+)`},
		{`(?^u:x)`, `(?:x)`},
		{`a\0b`, `a\x00b`},
		{`[^\x00-\x08]`, `[^\x00-\x08]`},
		{`[A-Za-z]{,16}`, `[A-Za-z]{0,16}`},
		{`[0-9]{0,4096}`, `[0-9]{0,}`},
		{`x{3}`, `x{3}`},
		{`x{}`, `x\{\}`},
		{`^a$`, `^a` + perlEnd},
		{`[$]`, `[$]`},
		{`\$`, `\$`},
		{`[]a]`, `[]a]`},
	}
	for _, tt := range tests {
		got, err := translatePerlRegex(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("translatePerlRegex(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCompilePatternIsAnchoredLikePerl(t *testing.T) {
	tests := []struct {
		pattern, value string
		match          bool
	}{
		{`(?^:\d+(?:-\d+)?(?:;\d+(?:-\d+)?)*)`, "10;20-30", true},
		{`(?^:\d+(?:-\d+)?(?:;\d+(?:-\d+)?)*)`, "10;x", false},
		{`[-_.\w\d]+`, "vmbr0\n", true}, // m/^...$/ tolerates one final newline
		{`[-_.\w\d]+`, "vmbr0\n\n", false},
		// m/^$pattern$/ does not group: a top-level | splits the anchors.
		{`/dev/parport\d+|/dev/usb/lp\d+`, "/dev/parport0 and more", true},
		{`/dev/parport\d+|/dev/usb/lp\d+`, "junk /dev/usb/lp1", true},
		{`(?^:(?:\w+=[^\x00-\x08\x10-\x1F\x7F]*)(?:\0\w+=[^\x00-\x08\x10-\x1F\x7F]*)*)`, "A=1\x00B=2", true},
	}
	for _, tt := range tests {
		re, err := compilePattern(tt.pattern)
		if err != nil {
			t.Fatalf("compilePattern(%q): %v", tt.pattern, err)
		}
		if got := re.MatchString(tt.value); got != tt.match {
			t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.value, got, tt.match)
		}
	}
}

// TestSchemaPatternsCompile checks that every pattern in the schema is
// enforced (none had to be left unchecked).
func TestSchemaPatternsCompile(t *testing.T) {
	s := loadSchema(t)
	if got := s.UncheckedPatterns(); len(got) != 0 {
		t.Errorf("patterns RE2 cannot express: %q", got)
	}
}

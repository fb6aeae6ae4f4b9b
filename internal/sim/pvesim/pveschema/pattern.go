package pveschema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// reQuantifier matches a counted quantifier at the start of a string:
// "{n}", "{m,}", "{m,n}" and Perl's "{,n}".
var reQuantifier = regexp.MustCompile(`^\{([0-9]*)(,?)([0-9]*)\}`)

// maxRepeat is RE2's largest repetition count.
const maxRepeat = 1000

// rewriteQuantifier turns Perl's "{,n}" into "{0,n}" and drops bounds above
// RE2's limit of 1000 (a maxLength usually bounds such values anyway). A
// brace that is not a quantifier in Perl ("{}", "{,}") stays literal.
func rewriteQuantifier(lo, comma, hi string) string {
	if lo == "" && hi == "" {
		return `\{` + comma + `\}`
	}
	if comma == "" {
		hi = lo
	}
	if lo == "" {
		lo = "0"
	}
	if n, _ := strconv.Atoi(lo); n > maxRepeat {
		lo = strconv.Itoa(maxRepeat)
	}
	if n, _ := strconv.Atoi(hi); hi == "" || n > maxRepeat {
		return "{" + lo + ",}"
	}
	if comma == "" {
		return "{" + lo + "}"
	}
	return "{" + lo + "," + hi + "}"
}

// perlEnd is Perl's "$" without /m: end of string, or before a final newline.
const perlEnd = `(?:\n?\z)`

// compilePattern compiles a schema "pattern" the way check_prop applies it,
// m/^$pattern$/: the pattern is interpolated between the anchors without a
// group, so a top-level alternation binds to the anchors as it does in Perl.
func compilePattern(p string) (*regexp.Regexp, error) {
	t, err := translatePerlRegex(p)
	if err != nil {
		return nil, err
	}
	return regexp.Compile(`^` + t + perlEnd)
}

// anchored compiles a verifier's own m/^...$/ regex, which is RE2-compatible
// by construction; Perl's "$" semantics are kept.
func anchored(re string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + re + `)` + perlEnd)
}

// translatePerlRegex rewrites the Perl-only constructs that appear in
// Proxmox's schema patterns into RE2 syntax:
//
//   - "(?^flags:" (how Perl stringifies qr//) becomes "(?flags:";
//   - "\0" (NUL) becomes "\x00";
//   - "{,n}" (Perl 5.34+: zero to n) becomes "{0,n}", and bounds above
//     RE2's 1000 are dropped (more lenient than Perl);
//   - "$" outside a character class keeps Perl's "before a final newline".
//
// Anything RE2 cannot express (look-around, back-references, the /x flag)
// is left to regexp.Compile to reject; such patterns go unchecked.
func translatePerlRegex(p string) (string, error) {
	var b strings.Builder
	b.Grow(len(p) + 16)
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			next := p[i+1]
			if next == '0' && (i+2 >= len(p) || p[i+2] < '0' || p[i+2] > '7') {
				b.WriteString(`\x00`)
			} else {
				b.WriteByte(c)
				b.WriteByte(next)
			}
			i++
		case inClass:
			if c == ']' {
				inClass = false
			}
			b.WriteByte(c)
		case c == '[':
			inClass = true
			b.WriteByte(c)
			// A ']' right after '[' or '[^' is a literal member.
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteByte(']')
				i++
			}
		case c == '(' && strings.HasPrefix(p[i:], "(?^"):
			j := strings.IndexByte(p[i:], ':')
			if j < 0 {
				return "", fmt.Errorf("unterminated (?^ group in %q", p)
			}
			flags := strings.NewReplacer("u", "", "a", "", "l", "", "d", "").Replace(p[i+3 : i+j])
			if flags == "" {
				b.WriteString("(?:")
			} else {
				b.WriteString("(?" + flags + ":")
			}
			i += j
		case c == '{' && reQuantifier.MatchString(p[i:]):
			q := reQuantifier.FindStringSubmatch(p[i:])
			b.WriteString(rewriteQuantifier(q[1], q[2], q[3]))
			i += len(q[0]) - 1
		case c == '$':
			b.WriteString(perlEnd)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// anchoredPrefix compiles a verifier regex that Perl anchors only at the
// start (m/^.../).
func anchoredPrefix(re string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + re + `)`)
}

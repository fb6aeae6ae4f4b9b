package pveschema

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Identifier formats from pve-common's PVE::JSONSchema and
// pve-access-control's PVE::AccessControl and PVE::Auth::Plugin. Messages
// are the verifiers' die texts.

var (
	reURLEncoded  = anchored(`[-%a-zA-Z0-9_.!~*'()]*`)
	reConfigID    = anchored(`(?i)[a-z][a-z0-9_-]+`)
	reID          = anchored(`(?i)[a-z][a-z0-9\-_.]*[a-z0-9]`)
	reBridgeID    = anchored(`[-_.\w\d]+`)
	reIface       = anchored(`(?i)[a-z][a-z0-9_]{1,20}([:.]\d+)?`)
	reTag         = anchored(`(?i)[a-z0-9_][a-z0-9_\-+.]*`)
	reLDAPAttr    = anchored(`[a-zA-Z0-9]+`)
	reEmailUser   = `[\w+\-~]+(\.[\w+\-~]+)*`
	reEmail       = anchored(reEmailUser + `@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*`)
	reEmailOnly   = anchored(reEmailUser)
	reTaskStatus  = anchored(`(?i)ok|error|warning|unknown`)
	reGroupName   = anchored(`[A-Za-z0-9.\-_]+`)
	rePoolName    = anchored(`[A-Za-z0-9.\-_]+(?:/[A-Za-z0-9.\-_]+){0,2}`)
	reRealm       = anchored(`[A-Za-z][A-Za-z0-9.\-_]+`)
	reUserID      = anchored(`[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+`)
	reTokenID     = anchored(`[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+![A-Za-z][A-Za-z0-9.\-_]+`)
	reTFAHexV2    = anchored(`v2-0x[0-9a-fA-F]{16,128}`)
	reTFABase32V2 = anchored(`v2-[A-Z2-7=]{16,128}`)
	reTFAOld      = anchored(`[A-Z2-7=]{16}|[A-Fa-f0-9]{40}`)
)

func verifyURLEncoded(v string) string {
	if !reURLEncoded.MatchString(v) {
		return "invalid urlencoded string: " + v + "\n"
	}
	return ""
}

func verifyConfigID(v string) string {
	if !reConfigID.MatchString(v) {
		return "invalid configuration ID '" + v + "'\n"
	}
	return ""
}

// verifyID mirrors JSONSchema::parse_id, shared by storage and ACME plugin IDs.
func verifyID(v, kind string) string {
	if utf8.RuneCountInString(v) < 2 {
		return kind + " ID '" + v + "' cannot be shorter than 2 characters\n"
	}
	if !reID.MatchString(v) {
		return kind + " ID '" + v + "' contains illegal characters\n"
	}
	return ""
}

func verifyStorageID(v string) string    { return verifyID(v, "storage") }
func verifyACMEPluginID(v string) string { return verifyID(v, "ACME plugin") }

func verifyBridgeID(v string) string {
	if !reBridgeID.MatchString(v) {
		return "invalid bridge ID '" + v + "'\n"
	}
	return ""
}

// verifyVMID matches m/^[1-9][0-9]{2,8}$/; it and the two name verifiers
// below are written out because the simulator runs them on every request.
func verifyVMID(v string) string {
	d := chompPerl(v)
	if len(d) < 3 || len(d) > 9 || d[0] == '0' || !allDigits(d) {
		return "value does not look like a valid VM ID\n"
	}
	return ""
}

// verifyNodeName matches m/^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$/.
func verifyNodeName(v string) string {
	if !isDNSLabel(chompPerl(v)) {
		return "value does not look like a valid node name\n"
	}
	return ""
}

// verifyDNSName matches m/^(${namere}\.)*${namere}$/ with namere the
// node-name label.
func verifyDNSName(v string) string {
	if !isDNSName(chompPerl(v)) {
		return "value does not look like a valid DNS name\n"
	}
	return ""
}

func isDNSName(s string) bool {
	for {
		label, rest, more := strings.Cut(s, ".")
		if !isDNSLabel(label) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

// isDNSLabel reports whether s is letters, digits and inner hyphens.
func isDNSLabel(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func verifyIface(v string) string {
	if !reIface.MatchString(v) {
		return "invalid network interface name '" + v + "'\n"
	}
	return ""
}

func verifyTag(v string) string {
	if !reTag.MatchString(v) {
		return "invalid characters in tag\n"
	}
	return ""
}

func verifyLDAPSimpleAttr(v string) string {
	if !reLDAPAttr.MatchString(v) {
		return "value '" + v + "' does not look like a simple ldap attribute name\n"
	}
	return ""
}

func verifyEmail(v string) string {
	if !reEmail.MatchString(v) {
		return "value does not look like a valid email address\n"
	}
	return ""
}

func verifyEmailOrUsername(v string) string {
	if !reEmail.MatchString(v) && !reEmailOnly.MatchString(v) {
		return "value does not look like a valid email address or user name\n"
	}
	return ""
}

func verifyTaskStatusType(v string) string {
	if !reTaskStatus.MatchString(v) {
		return "invalid status '" + v + "'\n"
	}
	return ""
}

func verifyTFASecret(v string) string {
	if reTFAHexV2.MatchString(v) || reTFABase32V2.MatchString(v) || reTFAOld.MatchString(v) {
		return ""
	}
	return "unable to decode TFA secret\n"
}

func verifyGroupName(v string) string {
	if !reGroupName.MatchString(v) {
		return "group name '" + v + "' contains invalid characters\n"
	}
	return ""
}

func verifyRoleName(v string) string {
	if !reGroupName.MatchString(v) {
		return "role name '" + v + "' contains invalid characters\n"
	}
	return ""
}

func verifyPoolName(v string) string {
	// Perl's split drops trailing empty fields before they are counted.
	if len(strings.Split(strings.TrimRight(v, "/"), "/")) > 3 {
		return "pool name '" + v + "' nested too deeply (max levels = 3)\n"
	}
	if !rePoolName.MatchString(v) {
		return "pool name '" + v + "' contains invalid characters\n"
	}
	return ""
}

func verifyRealm(v string) string {
	if !reRealm.MatchString(v) {
		return "value does not look like a valid realm\n"
	}
	return ""
}

func verifyUserID(v string) string {
	if !perlTrue(v) {
		v = ""
	}
	n := utf8.RuneCountInString(v)
	switch {
	case n < 3:
		return "user name '" + v + "' is too short\n"
	case n > 64:
		return "user name '" + v + "' is too long (" + strconv.Itoa(n) + " > 64)\n"
	case !reUserID.MatchString(v):
		return "value '" + v + "' does not look like a valid user name\n"
	}
	return ""
}

func verifyTokenID(v string) string {
	if !reTokenID.MatchString(v) {
		return "value '" + v + "' does not look like a valid token ID\n"
	}
	return ""
}

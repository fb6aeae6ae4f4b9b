package proxmox

import (
	"regexp"
	"strconv"
	"time"
)

// UPID is a parsed Proxmox task identifier,
// UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>: with pid,
// pstart and starttime in hex.
type UPID struct {
	Raw       string
	Node      string
	PID       int64
	PStart    int64
	StartTime time.Time
	Type      string // qmclone, qmstart, vzcreate, ...
	ID        string // usually the VMID; may be empty
	User      string // user@realm or user@realm!token
}

// upidPattern is PVE::Tools::upid_decode's pattern, minus characters that
// would break the URL path the UPID is placed in (/ ? # %), which Proxmox
// never puts in a UPID. ParseUPID also requires printable ASCII.
var upidPattern = regexp.MustCompile(`^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/?#%]+):([^:\s/?#%]*):([^:\s/?#%]+):$`)

// ParseUPID validates and decodes a UPID. A malformed UPID yields an
// *Error of kind Invalid; it never panics.
func ParseUPID(s string) (UPID, error) {
	m := upidPattern.FindStringSubmatch(s)
	if m == nil || !printableASCII(s) {
		return UPID{}, &Error{Kind: Invalid, Op: "ParseUPID", Message: "malformed UPID " + strconv.Quote(truncate(s, 200))}
	}
	pid, _ := strconv.ParseInt(m[3], 16, 64)
	pstart, _ := strconv.ParseInt(m[4], 16, 64)
	start, _ := strconv.ParseInt(m[5], 16, 64)
	return UPID{Raw: s, Node: m[1], PID: pid, PStart: pstart, StartTime: time.Unix(start, 0),
		Type: m[6], ID: m[7], User: m[8]}, nil
}

// tokenOwnerPattern is PVE::AccessControl's $token_full_regex,
// <user>@<realm>!<token name>.
var tokenOwnerPattern = regexp.MustCompile(`^(([^\s:/]+)@([A-Za-z][A-Za-z0-9.\-_]+))!([A-Za-z][A-Za-z0-9.\-_]+)$`)

// Owner splits the UPID's user field as Proxmox's task API does: for a
// task an API token started, the user (user@realm) and the token's name;
// otherwise the user and "".
func (u UPID) Owner() (user, token string) { return splitOwner(u.User) }

func splitOwner(owner string) (user, token string) {
	if m := tokenOwnerPattern.FindStringSubmatch(owner); m != nil {
		return m[1], m[4]
	}
	return owner, ""
}

// String returns the UPID as Proxmox wrote it.
func (u UPID) String() string { return u.Raw }

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// truncate shortens s to at most n bytes for messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

package pvesim

import "regexp"

// tokenIDPattern is PVE::AccessControl's $token_full_regex:
// <user>@<realm>!<token name>.
var tokenIDPattern = regexp.MustCompile(`^(([^\s:/]+)@([A-Za-z][A-Za-z0-9.\-_]+))!([A-Za-z][A-Za-z0-9.\-_]+)$`)

// splitTokenID splits a task's owner as the task API's convert_token_task
// does: an API token's ID into its user (user@realm) and token name; any
// other owner is the user itself and token is empty.
func splitTokenID(owner string) (user, token string) {
	if m := tokenIDPattern.FindStringSubmatch(owner); m != nil {
		return m[1], m[4]
	}
	return owner, ""
}

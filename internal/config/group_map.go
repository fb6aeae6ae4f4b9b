package config

import (
	"fmt"
	"strings"

	"github.com/labforge/labforge/domain"
)

// ParseGroupMap reads a group mapping: entries separated by ';', each
// "<external group> => <target>", where the external group is an LDAP
// group DN or an OIDC groups-claim value (compared case-insensitively)
// and the target a role (roles true) or a Labforge group name. An
// external group may appear in several entries. Errors say which entry
// is wrong; the caller names the variable.
//
//	cn=teachers,ou=groups,dc=example,dc=org => instructor; cn=admins,ou=groups,dc=example,dc=org => admin
func ParseGroupMap(raw string, roles bool) (domain.GroupMap, error) {
	m := domain.GroupMap{}
	for i, entry := range strings.Split(raw, ";") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		external, target, ok := strings.Cut(entry, "=>")
		external, target = strings.TrimSpace(external), strings.TrimSpace(target)
		switch {
		case !ok || external == "" || target == "":
			return nil, fmt.Errorf("entry %d (%q) must be \"<external group> => <target>\", entries separated by ';'", i+1, strings.TrimSpace(entry))
		case roles && !domain.ValidSlug(target):
			return nil, fmt.Errorf("entry %d maps to %q, which is not a role name (lower-case letters, digits and hyphens, such as instructor)", i+1, target)
		case !roles && !domain.ValidDisplayText(target, 100):
			return nil, fmt.Errorf("entry %d maps to %q, which is not a group name (1-100 printable characters)", i+1, target)
		}
		m.Add(external, target)
	}
	return m, nil
}

// signInPolicy parses the role and group maps of the variables behind
// the fields roleField and groupField; its errors name the variable.
func signInPolicy(roleField, roleMap, groupField, groupMap string) (domain.SignInPolicy, error) {
	roles, err := ParseGroupMap(roleMap, true)
	if err != nil {
		return domain.SignInPolicy{}, fmt.Errorf("%s: %w", VariableOf(roleField), err)
	}
	groups, err := ParseGroupMap(groupMap, false)
	if err != nil {
		return domain.SignInPolicy{}, fmt.Errorf("%s: %w", VariableOf(groupField), err)
	}
	return domain.SignInPolicy{Roles: roles, Groups: groups}, nil
}

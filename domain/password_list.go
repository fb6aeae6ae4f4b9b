package domain

import (
	"strings"
	"sync"

	"github.com/trustelem/zxcvbn/frequency"
)

// commonPasswords is the set of the 30,000 most common passwords of
// zxcvbn's list (lower-case), built on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	list := frequency.FrequencyLists["passwords"]
	set := make(map[string]struct{}, len(list))
	for _, p := range list {
		set[p] = struct{}{}
	}
	return set
})

// CommonPassword reports whether password, ignoring case, is one of the
// 30,000 most commonly used passwords (the list zxcvbn ships, drawn from
// leaked password sets).
func CommonPassword(password string) bool {
	_, ok := commonPasswords()[strings.ToLower(password)]
	return ok
}

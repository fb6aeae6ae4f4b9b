package api

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// Sign-in back-off. Failed sign-ins are counted per account (username)
// and per client address. Past a number of free failures each further one
// makes that key wait before the next attempt, doubling from
// throttleBaseDelay up to throttleMaxDelay; a successful sign-in clears
// the account's count (not the address's, which a caller with an account
// of its own could otherwise reset), and a key's count is forgotten
// throttleForget after its last failure. While a key waits, sign-ins
// answer 429 with Retry-After without checking the password.
//
// The counts live in the memory of each API process: with several
// replicas an attacker gets each replica's allowance, and a restart
// forgets them. That bounds guessing just as well (N replicas multiply
// the rate by N) and keeps a database write off every failed sign-in.
const (
	throttleAccountFree = 5
	// The address allowance is larger: a classroom signs in from one NAT.
	throttleAddressFree = 30
	throttleBaseDelay   = time.Second
	throttleMaxDelay    = 15 * time.Minute
	throttleForget      = time.Hour
	// throttleMaxKeys bounds the memory: past it, keys are swept (see sweep).
	throttleMaxKeys = 100_000
)

// loginThrottle is the per-process sign-in back-off.
type loginThrottle struct {
	now  func() time.Time
	mu   sync.Mutex
	keys map[string]*throttleKey
}

type throttleKey struct {
	failures int
	last     time.Time
	until    time.Time
}

func newLoginThrottle(now func() time.Time) *loginThrottle {
	return &loginThrottle{now: now, keys: map[string]*throttleKey{}}
}

func accountKey(username string) string { return "user:" + strings.ToLower(username) }
func addressKey(ip string) string       { return "addr:" + ip }

// wait returns how long the caller must wait before signing in to
// username from ip (0: go ahead) and what is throttled, for the message.
func (t *loginThrottle) wait(username, ip string) (time.Duration, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var longest time.Duration
	what := ""
	for key, name := range map[string]string{accountKey(username): "this account", addressKey(ip): "your address"} {
		k := t.keys[key]
		if k == nil {
			continue
		}
		if d := k.until.Sub(now); d > longest {
			longest, what = d, name
		}
	}
	return longest, what
}

// fail counts a failed sign-in to username from ip.
func (t *loginThrottle) fail(username, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.keys) >= throttleMaxKeys {
		t.sweep(now)
	}
	t.count(accountKey(username), throttleAccountFree, now)
	t.count(addressKey(ip), throttleAddressFree, now)
}

func (t *loginThrottle) count(key string, free int, now time.Time) {
	k := t.keys[key]
	if k == nil || now.Sub(k.last) > throttleForget {
		k = &throttleKey{}
		t.keys[key] = k
	}
	k.failures++
	k.last = now
	if over := k.failures - free; over > 0 {
		k.until = now.Add(backoff(over))
	}
}

// backoff is the wait after the n-th failure past the allowance.
func backoff(n int) time.Duration {
	d := float64(throttleBaseDelay) * math.Pow(2, float64(n-1))
	if d > float64(throttleMaxDelay) {
		return throttleMaxDelay
	}
	return time.Duration(d)
}

// succeed clears username's count after a successful sign-in.
func (t *loginThrottle) succeed(username string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.keys, accountKey(username))
}

// sweep forgets the keys past throttleForget and, when that is not
// enough (many names guessed within the hour), every key that is not
// waiting: those only lose their count towards the allowance.
func (t *loginThrottle) sweep(now time.Time) {
	for key, k := range t.keys {
		if now.Sub(k.last) > throttleForget && !now.Before(k.until) {
			delete(t.keys, key)
		}
	}
	if len(t.keys) < throttleMaxKeys*9/10 {
		return
	}
	for key, k := range t.keys {
		if !now.Before(k.until) {
			delete(t.keys, key)
		}
	}
}

// retryAfterSeconds rounds d up to whole seconds, at least 1, for the
// Retry-After header.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// throttleMessage explains a 429 to the person signing in.
func throttleMessage(d time.Duration, what string) string {
	return fmt.Sprintf("too many failed sign-ins for %s; try again in %d seconds", what, retryAfterSeconds(d))
}

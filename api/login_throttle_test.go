package api

import (
	"testing"
	"time"
)

func TestLoginThrottleBacksOffExponentially(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newLoginThrottle(func() time.Time { return now })
	for range throttleAccountFree {
		th.fail("Eve", "10.0.0.1")
	}
	if d, _ := th.wait("eve", "10.0.0.2"); d != 0 {
		t.Fatalf("waits %s within the allowance", d)
	}
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		th.fail("eve", "10.0.0.1")
		d, what := th.wait("EVE", "10.0.0.2")
		if d != want || what != "this account" {
			t.Fatalf("failure %d past the allowance: wait %s for %s, want %s for this account", i+1, d, what, want)
		}
	}
	for range throttleAddressFree {
		th.fail("eve", "10.0.0.1")
	}
	if d, _ := th.wait("eve", "10.0.0.2"); d != throttleMaxDelay {
		t.Fatalf("wait %s, want the cap %s", d, throttleMaxDelay)
	}
	th.succeed("eve")
	if d, _ := th.wait("eve", "10.0.0.2"); d != 0 {
		t.Fatalf("a success clears the account: wait %s", d)
	}
	if d, what := th.wait("mallory", "10.0.0.1"); d == 0 || what != "your address" {
		t.Fatalf("the address stays throttled after the account's success: wait %s for %q", d, what)
	}
	now = now.Add(throttleForget + throttleMaxDelay + time.Second)
	th.fail("mallory", "10.0.0.1")
	if d, _ := th.wait("mallory", "10.0.0.1"); d != 0 {
		t.Fatalf("counts are forgotten an hour after the last failure: wait %s", d)
	}
}

func TestLoginThrottleSweepKeepsTheWaitingKeys(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newLoginThrottle(func() time.Time { return now })
	for range throttleAccountFree + 1 {
		th.fail("eve", "10.0.0.1")
	}
	for i := range throttleMaxKeys {
		th.keys[accountKey(time.Duration(i).String())] = &throttleKey{failures: 1, last: now}
	}
	th.fail("mallory", "10.0.0.2")
	if len(th.keys) > 10 {
		t.Fatalf("%d keys after a sweep", len(th.keys))
	}
	if d, _ := th.wait("eve", "10.0.0.3"); d == 0 {
		t.Fatal("the sweep forgot a waiting account")
	}
}

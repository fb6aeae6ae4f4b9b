package proxmox

import (
	"testing"
	"time"
)

func TestTaskPollsFollowTheTaskLength(t *testing.T) {
	o := WaitOptions{}.withDefaults()
	cases := []struct {
		watched  time.Duration
		failures int
		want     time.Duration
	}{
		{0, 0, time.Second},                      // a fresh task: the shortest delay
		{5 * time.Second, 0, time.Second},        // still the shortest delay
		{30 * time.Second, 0, 3 * time.Second},   // a tenth of the time watched
		{10 * time.Minute, 0, 10 * time.Second},  // capped
		{0, 2, 2250 * time.Millisecond},          // failed polls back off by half each
		{30 * time.Second, 10, 10 * time.Second}, // and stay capped
		{50 * time.Millisecond, 0, time.Second},  // never faster than Interval
		{20 * time.Second, 1, 3 * time.Second},   // backoff from the length-based delay
	}
	for _, c := range cases {
		if got := o.nextPoll(c.watched, c.failures); got != c.want {
			t.Errorf("nextPoll(%s, %d) = %s, want %s", c.watched, c.failures, got, c.want)
		}
	}
}

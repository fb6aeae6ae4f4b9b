package proxmox

import (
	"testing"
	"time"
)

// TestTypicalDurationsFollowShortTasksFast: a task seen ending between
// two close looks moves its type's typical duration halfway down towards
// it, but at most an Interval up, so one long task (a full clone among
// linked ones) does not make the next short ones be seen late; a task
// seen ended at a wide look lowers it to what the task took at most.
func TestTypicalDurationsFollowShortTasksFast(t *testing.T) {
	p := &taskPoller{typical: map[string]time.Duration{}}
	opts := WaitOptions{Interval: 100 * time.Millisecond}.withDefaults()
	t0 := time.Unix(1_000_000, 0)
	ended := func(began, lastSeen, seen time.Duration) {
		w := &taskWatch{upid: UPID{Type: "qmclone"}, opts: opts, began: t0.Add(began), learn: true}
		if lastSeen > 0 {
			w.lastSeen = t0.Add(lastSeen)
		}
		p.learn(w, t0.Add(seen))
	}
	ended(0, 1950*time.Millisecond, 2050*time.Millisecond) // took about 2 s
	if got := p.typical["qmclone"]; got != 2*time.Second {
		t.Fatalf("first sample: %s", got)
	}
	ended(0, 59950*time.Millisecond, 60050*time.Millisecond) // a 60 s full clone
	if got := p.typical["qmclone"]; got != 2100*time.Millisecond {
		t.Errorf("after a long task: %s, want at most an Interval more (2.1s)", got)
	}
	ended(0, 950*time.Millisecond, 1050*time.Millisecond) // a 1 s task
	if got := p.typical["qmclone"]; got != 1550*time.Millisecond {
		t.Errorf("after a short task: %s, want halfway down (1.55s)", got)
	}
	ended(0, 0, 1200*time.Millisecond) // ended at most 1.2 s in, bracket unknown
	if got := p.typical["qmclone"]; got != 1200*time.Millisecond-opts.Interval/8 {
		t.Errorf("after a wide look: %s", got)
	}
}

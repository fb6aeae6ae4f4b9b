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

// TestLookDueAtTheTypicalEnd: a task whose type's typical duration is
// known is due a little after that end, even when a look made for another
// task of the node found it running just before (it is not pushed a whole
// Interval on); once overdue it is looked at every Interval, backing off.
func TestLookDueAtTheTypicalEnd(t *testing.T) {
	p := &taskPoller{typical: map[string]time.Duration{"qmclone": 20 * time.Second}}
	opts := WaitOptions{Interval: time.Second, MaxInterval: 10 * time.Second}.withDefaults()
	t0 := time.Unix(1_000_000, 0)
	w := &taskWatch{upid: UPID{Type: "qmclone"}, opts: opts, began: t0}
	end := t0.Add(20*time.Second + opts.Interval/4)
	for _, tc := range []struct {
		now, want time.Duration
		what      string
	}{
		{12 * time.Second, 20*time.Second + opts.Interval/4, "long before the end: at the end"},
		{19900 * time.Millisecond, 20*time.Second + opts.Interval/4, "a tenth of a second before the end: at the end, not an Interval on"},
		{20*time.Second + opts.Interval/4 - time.Millisecond, 20*time.Second + opts.Interval/4 - time.Millisecond + opts.Interval/10, "just before the end: at least a tenth of an Interval on"},
		{end.Sub(t0) + time.Millisecond, end.Sub(t0) + time.Millisecond + opts.Interval, "overdue: an Interval on"},
		{end.Sub(t0) + 8*time.Second, end.Sub(t0) + 12*time.Second, "long overdue: backing off by half the delay"},
	} {
		if got := p.due(w, t0.Add(tc.now)).Sub(t0); got != tc.want {
			t.Errorf("%s: due at +%s, want +%s", tc.what, got, tc.want)
		}
	}
}

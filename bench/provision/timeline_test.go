package provision

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// timeline is how a round's clones used the nodes' clone slots.
type timeline struct {
	// text has a line per node: when its first clone began and its last
	// ended, and what share of its C slots over that span ran a clone.
	text string
	// handoff is the mean time from a clone's end to the start of the
	// clone that took its slot.
	handoff time.Duration
}

// cloneTimeline reads the simulator's clone tasks that began after start.
func cloneTimeline(tasks []pvesim.TaskState, start time.Time, slots int) timeline {
	byNode := map[string][]pvesim.TaskState{}
	for _, t := range tasks {
		if t.Type == "qmclone" && !t.Started.Before(start) && !t.Ended.IsZero() {
			byNode[t.Node] = append(byNode[t.Node], t)
		}
	}
	nodes := make([]string, 0, len(byNode))
	for n := range byNode {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	var b strings.Builder
	var handoff time.Duration
	handoffs := 0
	for _, n := range nodes {
		ts := byNode[n]
		starts, ends := make([]time.Time, len(ts)), make([]time.Time, len(ts))
		var busy time.Duration
		for i, t := range ts {
			starts[i], ends[i] = t.Started, t.Ended
			busy += t.Ended.Sub(t.Started)
		}
		sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
		sort.Slice(ends, func(i, j int) bool { return ends[i].Before(ends[j]) })
		for i := slots; i < len(starts); i++ {
			handoff += starts[i].Sub(ends[i-slots])
			handoffs++
		}
		span := ends[len(ends)-1].Sub(starts[0])
		fmt.Fprintf(&b, "\n  %s: %d clones, first began +%s, last ended +%s, slots busy %.0f%% of %d×%s", n, len(ts),
			starts[0].Sub(start).Round(10*time.Millisecond), ends[len(ends)-1].Sub(start).Round(10*time.Millisecond),
			100*busy.Seconds()/(float64(slots)*span.Seconds()), slots, span.Round(10*time.Millisecond))
	}
	tl := timeline{text: b.String()}
	if handoffs > 0 {
		tl.handoff = handoff / time.Duration(handoffs)
		tl.text += fmt.Sprintf("\n  a clone's end → the next clone's start on its node: mean %s", tl.handoff.Round(time.Millisecond))
	}
	return tl
}

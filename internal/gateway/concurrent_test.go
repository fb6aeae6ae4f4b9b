package gateway

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Concurrent applies run one at a time: every one succeeds, the files in
// place are one snapshot's, whole, and the state names that snapshot.
func TestConcurrentAppliesAreSerialised(t *testing.T) {
	s := newTestSite(t)
	ctx := testContext(t, 30*time.Second)
	const n = 8
	snaps := make([]Snapshot, n)
	for i := range snaps {
		snaps[i] = s.snap
		snaps[i].Containers = []Container{{Hostname: fmt.Sprintf("c%d", i), MAC: fmt.Sprintf("BC:24:11:00:01:%02X", i), IPv4: fmt.Sprintf("127.0.0.%d", 10+i)}}
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range snaps {
		wg.Go(func() { _, errs[i] = s.applier.Apply(ctx, snaps[i]) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("apply %d: %v", i, err)
		}
	}
	hosts, _ := os.ReadFile(s.cfg.Dnsmasq.HostsFile)
	st, err := loadState(s.applier.cfg.StateFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, snap := range snaps {
		if snap.Hash() != st.Hash {
			continue
		}
		want := snap.Containers[0].IPv4 + " " + snap.Containers[0].Hostname + ".lab.test\n"
		if strings.Count(string(hosts), "\n") != 2 || !strings.HasSuffix(string(hosts), want) {
			t.Fatalf("hosts file is not the last applied snapshot's:\n%s", hosts)
		}
		return
	}
	t.Fatalf("state hash %s is none of the applied snapshots", st.Hash)
}

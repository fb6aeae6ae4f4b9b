package main

import (
	"slices"
	"strings"
	"testing"
)

func TestWorkerQueues(t *testing.T) {
	for _, tc := range []struct {
		queues string
		given  bool
		site   string
		want   []string
		err    string
	}{
		{queues: "core, pve-clone", want: []string{"core", "pve-clone"}},
		{queues: "core,pve-actions", site: "lab-a", want: []string{"gateway.lab-a"}},
		{queues: "gateway", given: true, site: "lab-a", want: []string{"gateway.lab-a"}},
		{queues: "gateway.lab-a", given: true, site: "lab-a", want: []string{"gateway.lab-a"}},
		{queues: "core,gateway", given: true, site: "lab-a", err: "--site lab-a polls only gateway.lab-a"},
		{queues: "gateway.lab-b", given: true, site: "lab-a", err: "polls only gateway.lab-a"},
		{site: "Lab A", err: "is not a site name"},
	} {
		got, err := workerQueues(tc.queues, tc.given, tc.site)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%+v: error %v, want %q", tc, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%+v: got %v, %v", tc, got, err)
		}
	}
}

package workflows

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/labforge/labforge/activities"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/queues.md from the queue tables")

// queueDocs renders docs/queues.md from the tables of activities/queues.go
// and register.go, so the docs cannot name a queue, workflow or activity
// the workers do not run.
func queueDocs() string {
	var b strings.Builder
	b.WriteString("# Task queues\n\n")
	b.WriteString("<!-- Generated from activities/queues.go and workflows/register.go by\n")
	b.WriteString("     `go test ./workflows -run TestQueueDocs -update-docs`; do not edit by hand. -->\n\n")
	b.WriteString("A worker process polls the queues it is given (`labforge-worker --queues`, default\n")
	b.WriteString("`LABFORGE_WORKER_QUEUES`) and runs on each exactly what this table lists. Workflows take\n")
	b.WriteString("an activity's queue from the same table, so an activity is never sent to a queue whose\n")
	b.WriteString("workers do not run it. Every `gateway.<site>` queue runs the gateway table; a workflow\n")
	b.WriteString("sends a gateway activity to the queue of the site it works on (`activities.GatewayQueue`).\n\n")
	b.WriteString("| queue | workflows | activities |\n| --- | --- | --- |\n")
	for _, q := range activities.StandardQueues {
		var wfs []string
		for _, t := range Types() {
			if t.Queue == q {
				wfs = append(wfs, "`"+t.Name+"`")
			}
		}
		var acts []string
		for _, a := range activities.Activities(q) {
			acts = append(acts, "`"+a+"`")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", q, strings.Join(wfs, ", "), strings.Join(acts, ", "))
	}
	var acts []string
	for _, a := range activities.Activities(activities.GatewayQueue("<site>")) {
		acts = append(acts, "`"+a+"`")
	}
	fmt.Fprintf(&b, "| `%s<site>` |  | %s |\n", activities.GatewayQueuePrefix, strings.Join(acts, ", "))
	b.WriteString("\nThe VM workflows run their `core` activities as local activities, inside their own\n")
	b.WriteString("workflow tasks; a `core` worker therefore registers both.\n")
	return b.String()
}

func TestQueueDocsAreCurrent(t *testing.T) {
	const path = "../docs/queues.md"
	want := queueDocs()
	if *updateDocs {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, want, string(got), "docs/queues.md is stale: go test ./workflows -run TestQueueDocs -update-docs")
}

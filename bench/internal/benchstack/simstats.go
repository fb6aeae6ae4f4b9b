package benchstack

import (
	"fmt"
	"sort"
	"strings"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

// Requests is the total of the simulator's /api2 requests.
func Requests(st pvesim.Stats) int64 {
	var n int64
	for _, c := range st.Requests {
		n += c
	}
	return n
}

// RouteDiff lists the requests per route between two snapshots, busiest
// first, one route a line.
func RouteDiff(before, after pvesim.Stats) string {
	type kv struct {
		route string
		n     int64
	}
	var rs []kv
	for r, n := range after.Requests {
		if d := n - before.Requests[r]; d > 0 {
			rs = append(rs, kv{r, d})
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].n > rs[j].n || (rs[i].n == rs[j].n && rs[i].route < rs[j].route) })
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "\n  %6d  %s", r.n, r.route)
	}
	return b.String()
}

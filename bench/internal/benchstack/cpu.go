package benchstack

import (
	"syscall"
	"testing"
	"time"
)

// CPUTime is the process's user plus system CPU time so far. It includes
// the embedded Temporal server, FerretDB and the simulator, which run in
// this process; PostgreSQL, NGINX and dnsmasq run in their own processes
// and are not counted.
func CPUTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

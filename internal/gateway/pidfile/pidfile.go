// Package pidfile reads the pid files nginx and dnsmasq write, for the
// gateway and for the tests that run those tools.
package pidfile

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Running returns the pid recorded in path when that process is alive
// and, where /proc tells, is the program called name; 0 when it is not
// running or path is empty. Checking the name keeps a stale pid file that
// now names an unrelated process from getting that process signalled.
func Running(path, name string) int {
	if path == "" {
		return 0
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0
	}
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return 0
	}
	if comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm"); err == nil && strings.TrimSpace(string(comm)) != name {
		return 0
	}
	return pid
}

package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// ToolError is a failed check or reload. Output is the tool's own message,
// which says what is wrong with the configuration.
type ToolError struct {
	Tool   string // "nginx" or "dnsmasq"
	Step   string // "test" or "reload"
	Output string
	Err    error
}

func (e *ToolError) Error() string {
	msg := strings.TrimSpace(e.Output)
	if msg == "" {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("%s %s failed: %s", e.Tool, e.Step, msg)
}

func (e *ToolError) Unwrap() error { return e.Err }

// expand replaces the placeholders of an argument template.
func expand(args []string, prefix, conf string) []string {
	out := make([]string, len(args))
	r := strings.NewReplacer("{prefix}", prefix, "{conf}", conf)
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}

// run runs a tool and returns a *ToolError with its combined output when it
// fails.
func (a *Applier) run(ctx context.Context, tool, step, bin string, args []string) error {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return &ToolError{Tool: tool, Step: step, Output: out.String(), Err: err}
	}
	return nil
}

// runningPid returns the pid recorded in pidFile when that process is
// alive and, where /proc tells, is the named program; 0 when the tool is
// not running. Checking the name keeps a stale pid file that now names an
// unrelated process from getting that process signalled.
func runningPid(pidFile, name string) int {
	if pidFile == "" {
		return 0
	}
	data, err := os.ReadFile(pidFile)
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

package gateway

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
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

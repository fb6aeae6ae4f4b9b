package moodle

import (
	"strconv"
	"strings"
)

// warningsError turns a function's warnings into an *Error naming every
// item, or returns nil when there are none. Its Kind is that of the first
// warning whose kind is not NotFound, or NotFound when all are: a caller
// deleting courses idempotently can so ignore errors.Is(err, NotFound).
func warningsError(op, fn string, ws []Warning) error {
	if len(ws) == 0 {
		return nil
	}
	kind, code := NotFound, ws[0].Code
	for _, w := range ws {
		if k := codeKind(w.Code); k != NotFound {
			kind, code = k, w.Code
			break
		}
	}
	parts := make([]string, len(ws))
	for i, w := range ws {
		item := w.Item
		if item == "" {
			item = "item"
		}
		parts[i] = item + " " + strconv.Itoa(w.ItemID) + ": " + w.Message + " (" + w.Code + ")"
	}
	return &Error{Kind: kind, Op: op, Function: fn, Code: code, Message: strings.Join(parts, "; "), Warnings: ws}
}

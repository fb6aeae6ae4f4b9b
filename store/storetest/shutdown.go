package storetest

import (
	"fmt"
	"os"
)

// Shutdown stops the shared cluster, if one was started, reporting any
// problem on stderr. Test binaries that combine several harnesses call it
// from their own TestMain after m.Run.
func Shutdown() {
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "storetest:", err)
	}
}

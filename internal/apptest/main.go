package apptest

import (
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/labforge/labforge/store/audit/audittest"
	"github.com/labforge/labforge/store/storetest"
)

// Main runs the tests of a package that uses Start, then stops the shared
// PostgreSQL cluster and FerretDB server. As storetest.Main does, it
// reports a cluster that did not stop cleanly on stderr and then fails the
// run even when every test passed.
func Main(m *testing.M) {
	code := m.Run()
	stopErr := storetest.Shutdown()
	audittest.Shutdown()
	os.Exit(exitCode(code, stopErr, os.Stderr))
}

// exitCode is the test binary's exit status: the tests' own, or 1 when
// they passed but the PostgreSQL cluster failed to stop, which is
// reported on w.
func exitCode(code int, stopErr error, w io.Writer) int {
	if stopErr == nil {
		return code
	}
	fmt.Fprintln(w, "storetest:", stopErr)
	if code == 0 {
		return 1
	}
	return code
}

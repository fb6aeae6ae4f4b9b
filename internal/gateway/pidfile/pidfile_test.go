package pidfile

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestRunning(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	self := strconv.Itoa(os.Getpid())
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip("no /proc here")
	}
	name := string(comm[:len(comm)-1])
	if got := Running(write("self.pid", self+"\n"), name); got != os.Getpid() {
		t.Fatalf("own pid file: got %d", got)
	}
	for _, tc := range []struct{ what, path, name string }{
		{"another program's pid", write("other.pid", self), "nginx"},
		{"garbage", write("bad.pid", "x"), name},
		{"missing file", filepath.Join(dir, "none.pid"), name},
		{"no path", "", name},
	} {
		if got := Running(tc.path, tc.name); got != 0 {
			t.Errorf("%s: got %d, want 0", tc.what, got)
		}
	}
}

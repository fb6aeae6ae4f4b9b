package apptest

import (
	"errors"
	"strings"
	"testing"
)

func TestExitCodeFailsOnAClusterThatDidNotStop(t *testing.T) {
	stopErr := errors.New("pg_ctl stop: exit status 1")
	for _, c := range []struct {
		code    int
		stopErr error
		want    int
		says    string
	}{
		{code: 0, want: 0},
		{code: 2, want: 2},
		{code: 0, stopErr: stopErr, want: 1, says: "storetest: pg_ctl stop: exit status 1\n"},
		{code: 2, stopErr: stopErr, want: 2, says: "storetest: pg_ctl stop: exit status 1\n"},
	} {
		var w strings.Builder
		if got := exitCode(c.code, c.stopErr, &w); got != c.want || w.String() != c.says {
			t.Errorf("exitCode(%d, %v) = %d writing %q, want %d writing %q", c.code, c.stopErr, got, w.String(), c.want, c.says)
		}
	}
}

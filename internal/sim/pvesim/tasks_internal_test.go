package pvesim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// newTestServer is a started simulator at test scale for package-internal
// tests that need to run a task of their own.
func newTestServer(t *testing.T) *Server {
	t.Helper()
	s, err := NewServer(Config{TimeScale: 0.001, RandomSeed: 42})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background(), "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// runTestTask runs work as a task of user on pve1 and waits for its end.
func runTestTask(t *testing.T, s *Server, user string, work func(r *taskRun) error) *task {
	t.Helper()
	s.mu.Lock()
	tk := s.startTask(taskSpec{node: "pve1", typ: "qmstart", id: "100", user: user}, work)
	s.mu.Unlock()
	select {
	case <-tk.done:
	case <-time.After(10 * time.Second):
		t.Fatal("task did not end within 10s")
	}
	return tk
}

// apiGet serves a GET with the seed's API token and decodes data and total.
func apiGet(t *testing.T, s *Server, path string, data any) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/api2/json"+path, nil)
	_, _, h := s.Token()
	req.Header.Set("Authorization", h)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	var env struct {
		Data  json.RawMessage `json:"data"`
		Total int             `json:"total"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if err := json.Unmarshal(env.Data, data); err != nil {
		t.Fatalf("GET %s data: %v", path, err)
	}
	return env.Total
}

// TestTaskErrorIsOneLine checks fork_worker's exit status: one trailing
// newline is chomped and every other newline becomes a space, in the
// status and in the log's last line.
func TestTaskErrorIsOneLine(t *testing.T) {
	s := newTestServer(t)
	tk := runTestTask(t, s, "root@pam", func(r *taskRun) error {
		return errors.New("start failed: QEMU exited with code 1\nkvm: cannot set up guest memory\n")
	})
	const want = "start failed: QEMU exited with code 1 kvm: cannot set up guest memory"
	var st struct {
		ExitStatus string `json:"exitstatus"`
	}
	apiGet(t, s, "/nodes/pve1/tasks/"+tk.upid+"/status", &st)
	if st.ExitStatus != want {
		t.Errorf("exitstatus %q, want %q", st.ExitStatus, want)
	}
	var lines []struct {
		N int    `json:"n"`
		T string `json:"t"`
	}
	apiGet(t, s, "/nodes/pve1/tasks/"+tk.upid+"/log", &lines)
	if len(lines) == 0 || lines[len(lines)-1].T != "TASK ERROR: "+want {
		t.Errorf("log = %+v", lines)
	}
}

// TestTaskLogLimitZeroReadsAll checks PVE::Tools::dump_logfile: limit
// defaults to 50 lines, and limit=0 reads to the end of the log.
func TestTaskLogLimitZeroReadsAll(t *testing.T) {
	s := newTestServer(t)
	tk := runTestTask(t, s, "root@pam", func(r *taskRun) error {
		for i := range 80 {
			r.logf("line %d", i+1)
		}
		return nil
	})
	type line struct {
		N int    `json:"n"`
		T string `json:"t"`
	}
	var lines []line
	total := apiGet(t, s, "/nodes/pve1/tasks/"+tk.upid+"/log", &lines)
	if len(lines) != 50 || total != 81 {
		t.Errorf("default limit: %d lines, total %d; want 50 of 81", len(lines), total)
	}
	lines = nil
	total = apiGet(t, s, "/nodes/pve1/tasks/"+tk.upid+"/log?limit=0", &lines)
	if len(lines) != 81 || total != 81 || lines[80].T != "TASK OK" || lines[80].N != 81 {
		t.Errorf("limit=0: %d lines, total %d", len(lines), total)
	}
	lines = nil
	apiGet(t, s, "/nodes/pve1/tasks/"+tk.upid+"/log?start=70&limit=0", &lines)
	if len(lines) != 11 || lines[0].N != 71 {
		t.Errorf("start=70&limit=0: %+v", lines)
	}
}

// TestTokenTaskOwner checks convert_token_task: a token's task has the
// UPID user field user@realm!token, and status and list report "user"
// and "tokenid" apart; userfilter matches the user, case-insensitively.
func TestTokenTaskOwner(t *testing.T) {
	s := newTestServer(t)
	tokTask := runTestTask(t, s, "root@pam!labforge", func(r *taskRun) error { return nil })
	userTask := runTestTask(t, s, "root@pam", func(r *taskRun) error { return nil })
	if d, _ := decodeUPID(tokTask.upid); d.user != "root@pam!labforge" {
		t.Errorf("UPID user field %q", d.user)
	}
	type entry struct {
		UPID    string  `json:"upid"`
		User    string  `json:"user"`
		TokenID *string `json:"tokenid"`
	}
	var st entry
	apiGet(t, s, "/nodes/pve1/tasks/"+tokTask.upid+"/status", &st)
	if st.User != "root@pam" || st.TokenID == nil || *st.TokenID != "labforge" {
		t.Errorf("token task status: user %q tokenid %v", st.User, st.TokenID)
	}
	st = entry{}
	apiGet(t, s, "/nodes/pve1/tasks/"+userTask.upid+"/status", &st)
	if st.User != "root@pam" || st.TokenID != nil {
		t.Errorf("user task status: user %q tokenid %v", st.User, st.TokenID)
	}

	for _, tc := range []struct {
		filter string
		want   int
	}{{"", 2}, {"ROOT@pam", 2}, {"labforge", 0}, {"nobody", 0}} {
		var list []entry
		apiGet(t, s, "/nodes/pve1/tasks?userfilter="+url.QueryEscape(tc.filter), &list)
		if len(list) != tc.want {
			t.Errorf("userfilter %q: %d tasks, want %d", tc.filter, len(list), tc.want)
		}
		for _, e := range list {
			if e.User != "root@pam" || (e.UPID == tokTask.upid) != (e.TokenID != nil) {
				t.Errorf("userfilter %q: entry %s user %q tokenid %v", tc.filter, e.UPID, e.User, e.TokenID)
			}
		}
	}
	var list []entry
	if total := apiGet(t, s, "/nodes/pve1/tasks?limit=0", &list); len(list) != 0 || total != 2 {
		t.Errorf("limit=0 task list: %d entries, total %d; want none of 2", len(list), total)
	}
}

// TestMalformedUPID checks the task API's answer to a UPID upid_decode
// cannot parse.
func TestMalformedUPID(t *testing.T) {
	s := newTestServer(t)
	req := httptest.NewRequest(http.MethodGet, "/api2/json/nodes/pve1/tasks/UPID:bogus/status", nil)
	_, _, h := s.Token()
	req.Header.Set("Authorization", h)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	want := fmt.Sprintf("%d %s", http.StatusBadRequest,
		`{"data":null,"errors":{"upid":"unable to parse worker upid"},"message":"Parameter verification failed.\n"}`)
	if got := fmt.Sprintf("%d %s", rec.Code, rec.Body.String()); got != want {
		t.Errorf("malformed UPID: %s; want %s", got, want)
	}
}

package pvesim_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"

	"github.com/labforge/labforge/internal/sim/pvesim"
)

var upidRE = regexp.MustCompile(`^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:root@pam!labforge:$`)

func TestTaskStatusLogAndList(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.CloneLinked = 1000 * time.Second })
	c := newClient(t, s)
	_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 800})
	if err != nil {
		t.Fatal(err)
	}
	if !upidRE.MatchString(string(task.UPID)) {
		t.Errorf("UPID %q is not canonical", task.UPID)
	}
	if task.Node != "pve1" || task.Type != "qmclone" || task.ID != "9000" || task.User != "root@pam!labforge" {
		t.Errorf("parsed UPID = %+v", task)
	}

	// While it runs.
	r := rawDo(t, s, "GET", "/nodes/pve1/tasks/"+string(task.UPID)+"/status", "", "", nil)
	var st struct{ Data map[string]any }
	if err := json.Unmarshal([]byte(r.body), &st); err != nil {
		t.Fatal(err)
	}
	if st.Data["status"] != "running" || st.Data["exitstatus"] != nil || st.Data["upid"] != string(task.UPID) {
		t.Errorf("running status = %v", st.Data)
	}
	for _, k := range []string{"pid", "pstart", "starttime"} {
		if _, ok := st.Data[k].(float64); !ok {
			t.Errorf("%s is not a number: %v", k, st.Data[k])
		}
	}
	if tasks, _ := nodeTasks(t, s, "source=active"); len(tasks) != 1 || tasks[0]["status"] != "RUNNING" {
		t.Errorf("active tasks = %v", tasks)
	}

	done := waitTask(t, task)
	if !done.IsSuccessful || done.ExitStatus != "OK" {
		t.Errorf("done = %+v", done)
	}
	log, err := task.Log(ctx(t), 0, 50)
	if err != nil || len(log) < 2 || log[len(log)-1] != "TASK OK" || !strings.HasPrefix(log[0], "create linked clone of drive scsi0") {
		t.Errorf("log = %v, %v", log, err)
	}
	if page, _ := task.Log(ctx(t), 1, 1); len(page) != 1 || page[1] != log[1] {
		t.Errorf("log page = %v", page)
	}
	tasks, total := nodeTasks(t, s, "vmid=9000&typefilter=qmclone")
	if len(tasks) != 1 || total != 1 || tasks[0]["status"] != "OK" || tasks[0]["endtime"] == nil {
		t.Errorf("archived tasks = %v (total %d)", tasks, total)
	}

	r = rawDo(t, s, "GET", "/nodes/pve1/tasks/not-a-upid/status", "", "", nil)
	if r.status != 400 || !strings.Contains(r.body, "upid") {
		t.Errorf("malformed UPID: %d %s", r.status, r.body)
	}
	ts, ok := s.Task(string(task.UPID))
	if !ok || ts.Running || ts.ExitStatus != "OK" {
		t.Errorf("Task() = %+v", ts)
	}
}

func nodeTasks(t *testing.T, s *pvesim.Server, query string) ([]map[string]any, int) {
	t.Helper()
	r := rawDo(t, s, "GET", "/nodes/pve1/tasks?"+query, "", "", nil)
	var body struct {
		Data  []map[string]any
		Total int
	}
	if err := json.Unmarshal([]byte(r.body), &body); err != nil {
		t.Fatalf("tasks %d %s: %v", r.status, r.body, err)
	}
	return body.Data, body.Total
}

func TestStopTask(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.CloneFull = time.Hour })
	c := newClient(t, s)
	_, task, err := template(t, c, "pve1", 9000).Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 810, Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Stop(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if got := waitTask(t, task).ExitStatus; got != "clone failed: interrupted by signal" {
		t.Errorf("stopped clone = %q", got)
	}
	if _, ok := s.Guest("pve1", 810); ok {
		t.Error("interrupted clone left VM 810")
	}
}

// TestUnknownTaskAnswersAsProxmox asks a node about a UPID it never ran:
// status and stop answer 400 with errors.upid "no such task", the log
// answers 200 with one line saying the file cannot be opened.
func TestUnknownTaskAnswersAsProxmox(t *testing.T) {
	s := newSim(t, nil)
	upid := "UPID:pve1:00000001:00000002:00000003:qmstart:100:root@pam:"
	for _, call := range []struct{ method, path string }{
		{"GET", "/nodes/pve1/tasks/" + upid + "/status"},
		{"DELETE", "/nodes/pve1/tasks/" + upid},
	} {
		r := rawDo(t, s, call.method, call.path, "", "", nil)
		var body struct{ Errors map[string]string }
		if err := json.Unmarshal([]byte(r.body), &body); err != nil {
			t.Fatal(err)
		}
		if r.status != 400 || body.Errors["upid"] != "no such task" {
			t.Errorf("%s %s = %d %s", call.method, call.path, r.status, r.body)
		}
	}
	r := rawDo(t, s, "GET", "/nodes/pve1/tasks/"+upid+"/log", "", "", nil)
	var log struct {
		Data  []map[string]any
		Total int
	}
	if err := json.Unmarshal([]byte(r.body), &log); err != nil {
		t.Fatal(err)
	}
	if r.status != 200 || log.Total != 1 || len(log.Data) != 1 || log.Data[0]["t"] != "unable to open file - No such file or directory" {
		t.Errorf("log of an unknown task = %d %s", r.status, r.body)
	}
}

// TestNodeTaskSourcesFollowNodeTasks: as PVE::API2::Tasks::node_tasks
// lists them, source=active holds the running tasks in the order they
// started (an ended task leaves it), source=all lists them ahead of the
// archive, since filters on the start time, and errors=1 lists running
// tasks too.
func TestNodeTaskSourcesFollowNodeTasks(t *testing.T) {
	s := newSim(t, func(c *pvesim.Config) { c.Durations.CloneLinked = 1000 * time.Second })
	c := newClient(t, s)
	tpl := template(t, c, "pve1", 9000)
	_, short, err := tpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: 820, Full: true})
	if err != nil {
		t.Fatal(err)
	}
	waitTask(t, short)
	var running []string
	for _, id := range []int{821, 822} {
		_, task, err := tpl.Clone(ctx(t), &proxmox.VirtualMachineCloneOptions{NewID: id})
		if err != nil {
			t.Fatal(err)
		}
		running = append(running, string(task.UPID))
	}
	upids := func(tasks []map[string]any) []string {
		var out []string
		for _, task := range tasks {
			out = append(out, task["upid"].(string))
		}
		return out
	}
	if got, _ := nodeTasks(t, s, "source=active"); strings.Join(upids(got), " ") != strings.Join(running, " ") {
		t.Errorf("active = %v, want the running clones oldest first %v", upids(got), running)
	}
	all, total := nodeTasks(t, s, "source=all")
	want := append(append([]string{}, running...), string(short.UPID))
	if strings.Join(upids(all), " ") != strings.Join(want, " ") || total != 3 || all[2]["status"] != "OK" || all[0]["status"] != "RUNNING" {
		t.Errorf("all = %v (total %d), want %v", all, total, want)
	}
	if got, _ := nodeTasks(t, s, "source=all&since=4000000000"); len(got) != 0 {
		t.Errorf("tasks since 2096 = %v", got)
	}
	if got, _ := nodeTasks(t, s, "source=all&until=1"); len(got) != 0 {
		t.Errorf("tasks until 1970 = %v", got)
	}
	if got, _ := nodeTasks(t, s, "source=all&errors=1&statusfilter=ok"); strings.Join(upids(got), " ") != strings.Join(running, " ") {
		t.Errorf("errors=1 lists %v, want the running tasks %v (statusfilter is ignored)", upids(got), running)
	}
}

package pvesim

import (
	"sort"
	"strings"
)

// taskEntry renders a task as task lists and task status show it. A task
// an API token started (UPID user field user@realm!token) shows the user
// as "user" and the token's name as "tokenid" (convert_token_task in
// PVE::API2::Tasks, and PVE::API2::Cluster's tasks).
func taskEntry(t *task) map[string]any {
	user, token := splitTokenID(t.user)
	e := map[string]any{
		"upid": t.upid, "node": t.node, "pid": t.pid, "pstart": t.pstart, "starttime": t.start.Unix(),
		"type": t.typ, "id": t.id, "user": user,
	}
	if token != "" {
		e["tokenid"] = token
	}
	if !t.running {
		e["endtime"] = t.end.Unix()
	}
	return e
}

// lookupTask finds a task by the UPID in the path and checks it belongs to
// the node in the path.
func (s *Server) lookupTask(c *call) (*task, *apiError) {
	upid := c.str("upid")
	d, ok := decodeUPID(upid)
	if !ok {
		return nil, paramErr(map[string]string{"upid": "unable to parse worker upid"})
	}
	t := s.st.tasks[upid]
	if t == nil || d.node != c.str("node") {
		return nil, nil
	}
	return t, nil
}

// noSuchTask is Proxmox's answer for a UPID its node does not know, to
// status and stop: 400 with errors.upid "no such task".
func noSuchTask() *apiError { return paramErr(map[string]string{"upid": "no such task"}) }

// getTaskStatus serves GET /nodes/{node}/tasks/{upid}/status.
func (s *Server) getTaskStatus(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, aerr := s.lookupTask(c)
	if aerr != nil {
		return nil, aerr
	}
	if t == nil {
		// Proxmox does not find the task in the node's task list.
		return nil, noSuchTask()
	}
	e := taskEntry(t)
	delete(e, "endtime")
	if t.running {
		e["status"] = "running"
	} else {
		e["status"] = "stopped"
		e["exitstatus"] = t.exit
	}
	return e, nil
}

// getTaskLog serves GET /nodes/{node}/tasks/{upid}/log: lines {n, t}
// numbered from 1, paged by start (0-based) and limit (default 50; 0 reads
// to the end, as PVE::Tools::dump_logfile does), with the line count as
// total.
func (s *Server) getTaskLog(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, aerr := s.lookupTask(c)
	if aerr != nil {
		return nil, aerr
	}
	if t == nil {
		// The log file cannot be opened: one line saying so, answered 200.
		return listResult{data: []map[string]any{{"n": 1, "t": "unable to open file - No such file or directory"}}, total: 1}, nil
	}
	start, _ := c.int("start")
	limit, ok := c.int("limit")
	if !ok {
		limit = 50
	}
	lines := t.log
	if t.running && len(lines) == 0 {
		lines = []string{"no content"}
	}
	end := len(lines)
	if limit > 0 {
		end = min(end, start+limit)
	}
	out := []map[string]any{}
	for i := start; i < end; i++ {
		out = append(out, map[string]any{"n": i + 1, "t": lines[i]})
	}
	return listResult{data: out, total: len(lines)}, nil
}

// stopTask serves DELETE /nodes/{node}/tasks/{upid}: the task is
// interrupted and ends with "interrupted by signal".
func (s *Server) stopTask(c *call) (any, error) {
	s.mu.RLock()
	t, aerr := s.lookupTask(c)
	s.mu.RUnlock()
	if aerr != nil {
		return nil, aerr
	}
	if t == nil {
		return nil, noSuchTask()
	}
	t.cancel()
	return nil, nil
}

// getNodeTasks serves GET /nodes/{node}/tasks as node_tasks does: with
// source=active the node's running tasks in the order they started, with
// source=archive the ended ones newest first, with source=all the first
// followed by the second; filtered by vmid, typefilter, userfilter,
// errors, statusfilter, since and until, and paged by start and limit.
func (s *Server) getNodeTasks(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.taskList(c, c.str("node")), nil
}

// getClusterTasks serves GET /cluster/tasks: recent tasks of all nodes.
func (s *Server) getClusterTasks(c *call) (any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	lr := s.taskList(c, "")
	return lr.data, nil
}

func (s *Server) taskList(c *call, nodeName string) listResult {
	source := c.str("source")
	if source == "" {
		source = "archive"
	}
	vmid := c.str("vmid")
	typ := c.str("typefilter")
	user := c.str("userfilter")
	onlyErrors := c.bool("errors")
	since, hasSince := c.int("since")
	until, hasUntil := c.int("until")
	// statusfilter is ignored with errors=1, which lists every task that
	// did not end OK, running ones included (node_tasks).
	var status map[string]bool
	if sf := c.str("statusfilter"); sf != "" && !onlyErrors {
		status = map[string]bool{}
		for _, x := range splitList(sf) {
			status[strings.ToLower(x)] = true
		}
	}
	match := func(t *task) bool {
		if nodeName != "" && t.node != nodeName {
			return false
		}
		if vmid != "" && t.id != vmid || typ != "" && t.typ != typ || user != "" && !userMatches(t.user, user) {
			return false
		}
		if hasSince && t.start.Unix() < int64(since) || hasUntil && t.start.Unix() > int64(until) {
			return false
		}
		st := taskStatusType(t)
		return !(onlyErrors && st == "ok") && (status == nil || status[st])
	}
	var active, archived []*task
	for _, t := range s.st.taskOrder {
		if !match(t) {
			continue
		}
		switch {
		case nodeName == "":
			archived = append(archived, t)
		case t.running && source != "archive":
			active = append(active, t)
		case !t.running && source != "active":
			archived = append(archived, t)
		}
	}
	// The active list is in the order the tasks started (the node's
	// active file); the archive is read newest first.
	sort.SliceStable(active, func(i, j int) bool { return active[i].start.Before(active[j].start) })
	sort.SliceStable(archived, func(i, j int) bool { return archived[i].start.After(archived[j].start) })
	sel := append(active, archived...)
	// Unlike the task log, a task list with limit=0 lists nothing (but
	// counts every match in total).
	start, _ := c.int("start")
	limit, ok := c.int("limit")
	if !ok {
		limit = 50
	}
	out := []map[string]any{}
	for i := start; i < len(sel) && i < start+limit; i++ {
		e := taskEntry(sel[i])
		if sel[i].running {
			e["status"] = "RUNNING"
		} else {
			e["status"] = sel[i].exit
		}
		out = append(out, e)
	}
	return listResult{data: out, total: len(sel)}
}

// userMatches is node_tasks' userfilter: a case-insensitive substring of
// the task's user, without the token name of a token's task.
func userMatches(owner, filter string) bool {
	user, _ := splitTokenID(owner)
	return strings.Contains(strings.ToLower(user), strings.ToLower(filter))
}

// taskStatusType classifies a task for statusfilter: ok, error, warning, unknown.
func taskStatusType(t *task) string {
	switch {
	case t.running:
		return "unknown"
	case t.exit == "OK":
		return "ok"
	case strings.HasPrefix(t.exit, "WARNINGS"):
		return "warning"
	}
	return "error"
}

// upidResult is how methods that start a task answer: the UPID string.
func upidResult(t *task) any { return t.upid }

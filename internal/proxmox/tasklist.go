package proxmox

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// TaskSource is which of a node's tasks NodeTasks lists, as Proxmox's
// source parameter of GET /nodes/{node}/tasks names them.
type TaskSource string

// Task sources. Active tasks are the node's running ones: a task leaves the
// active list as soon as the node archives it on its end (a task whose
// process ended but which is not archived yet is listed as running), so
// only TasksArchive and TasksAll report how tasks ended.
const (
	TasksArchive TaskSource = "archive"
	TasksActive  TaskSource = "active"
	TasksAll     TaskSource = "all"
)

// TaskListOptions filter NodeTasks. Zero fields filter nothing.
type TaskListOptions struct {
	Source TaskSource
	// Since lists only tasks started at or after it (second resolution).
	Since time.Time
	// Limit is how many tasks to list at most; zero asks for Proxmox's
	// default of 50 (Proxmox lists nothing for a limit of 0).
	Limit int
}

// NodeTasks lists a node's tasks from GET /nodes/{node}/tasks. A running
// task has Status "running"; a task that ended has Status "stopped" and its
// exit status ("OK", "WARNINGS: n" or the error) as ExitStatus, as
// PollTask reports them. A list as long as the limit may have been cut
// short.
func (c *Client) NodeTasks(ctx context.Context, node string, o TaskListOptions) ([]TaskStatus, error) {
	const op = "NodeTasks"
	path, err := nodePath(op, node, "/tasks")
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if o.Source != "" {
		q.Set("source", string(o.Source))
	}
	if !o.Since.IsZero() {
		q.Set("since", strconv.FormatInt(o.Since.Unix(), 10))
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var ws []taskListWire
	if err := c.get(ctx, op, node, path, &ws); err != nil {
		return nil, err
	}
	out := make([]TaskStatus, 0, len(ws))
	for _, w := range ws {
		u, err := ParseUPID(w.UPID)
		if err != nil {
			continue // not a task this client could wait for
		}
		st := statusOfUPID(u)
		if w.User != "" {
			st.User, st.TokenID = w.User, w.TokenID
		}
		if w.Status == "" || w.Status == "RUNNING" {
			st.Status = "running"
		} else {
			st.Status, st.ExitStatus = "stopped", w.Status
			if m := warningsPattern.FindStringSubmatch(w.Status); m != nil {
				st.Warnings, _ = strconv.Atoi(m[1])
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// taskListWire is one entry of a node's task list: status is "RUNNING"
// for an active task, else the exit status.
type taskListWire struct {
	UPID    string `json:"upid"`
	User    string `json:"user"`
	TokenID string `json:"tokenid"`
	Status  string `json:"status"`
}

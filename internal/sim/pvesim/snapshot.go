package pvesim

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// snapshotTaskType names snapshot tasks per guest kind.
func snapshotTaskType(kind, op string) string {
	if kind == kindLXC {
		return "vz" + op
	}
	return "qm" + op
}

// listSnapshots serves GET .../{vmid}/snapshot: every snapshot plus the
// "current" pseudo-snapshot ("You are here!").
func (s *Server) listSnapshots(kind string) handlerFunc {
	return func(c *call) (any, error) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		g, aerr := s.loadGuest(c, kind)
		if aerr != nil {
			return nil, aerr
		}
		out := []map[string]any{}
		for _, name := range g.snapOrder {
			sn := g.snapshots[name]
			e := map[string]any{"name": sn.name, "description": sn.description, "snaptime": sn.snaptime}
			if kind == kindQEMU {
				vmstate := 0
				if sn.vmstate {
					vmstate = 1
				}
				e["vmstate"] = vmstate
			}
			if sn.parent != "" {
				e["parent"] = sn.parent
			}
			out = append(out, e)
		}
		running := 0
		if g.status == "running" {
			running = 1
		}
		cur := map[string]any{"name": "current", "description": "You are here!", "running": running, "digest": confDigest(g.conf)}
		if p := g.conf["parent"]; p != "" {
			cur["parent"] = p
		}
		return append(out, cur), nil
	}
}

// reservedSnapshotName returns the reserved name a new snapshot's name
// collides with, or "": "current" for both kinds; for VMs also "pending",
// in any case (PVE::API2::Qemu::snapshot compares lc($snapname)), for
// containers "vzdump" (PVE::API2::LXC::Snapshot::snapshot).
func reservedSnapshotName(kind, name string) string {
	switch {
	case name == "current":
		return name
	case kind == kindQEMU && strings.EqualFold(name, "pending"):
		return "pending"
	case kind == kindLXC && name == "vzdump":
		return name
	}
	return ""
}

// createSnapshot serves POST .../{vmid}/snapshot.
func (s *Server) createSnapshot(kind string) handlerFunc {
	return func(c *call) (any, error) {
		name := c.str("snapname")
		if reserved := reservedSnapshotName(kind, name); reserved != "" {
			return nil, errf("unable to use snapshot name '%s' (reserved name)", reserved)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		g, aerr := s.loadGuest(c, kind)
		if aerr != nil {
			return nil, aerr
		}
		desc, vmstate := c.str("description"), c.bool("vmstate")
		return s.snapshotTask(c, g, "snapshot", s.dur.Snapshot, "snapshot", func() error {
			if g.isTemplate() {
				return errors.New("you can't take a snapshot if it's a template")
			}
			if _, exists := g.snapshots[name]; exists {
				return fmt.Errorf("snapshot name '%s' already used", name)
			}
			return nil
		}, func(r *taskRun) {
			conf := cloneConf(g.conf)
			delete(conf, "lock")
			delete(conf, "parent")
			g.snapshots[name] = &snapshot{name: name, description: desc, parent: g.conf["parent"],
				snaptime: time.Now().Unix(), vmstate: vmstate && g.status == "running", conf: conf}
			g.snapOrder = append(g.snapOrder, name)
			g.conf["parent"] = name
		}), nil
	}
}

// rollbackSnapshot serves POST .../{vmid}/snapshot/{snapname}/rollback:
// the guest is stopped and its config replaced by the snapshot's. A VM
// snapshot with RAM resumes running inside the rollback task; otherwise
// start=1 makes the rollback task, as its last step, start a separate
// qmstart/vzstart task (the worker calls the vm_start API method, which
// forks its own task), so the rollback task ends with the guest stopped.
func (s *Server) rollbackSnapshot(kind string) handlerFunc {
	return func(c *call) (any, error) {
		name := c.str("snapname")
		start := c.bool("start")
		s.mu.Lock()
		defer s.mu.Unlock()
		g, aerr := s.loadGuest(c, kind)
		if aerr != nil {
			return nil, aerr
		}
		return s.snapshotTask(c, g, "rollback", s.dur.Rollback, "rollback", func() error {
			if g.isTemplate() {
				return errors.New("you can't rollback if vm is a template")
			}
			if g.snapshots[name] == nil {
				return fmt.Errorf("snapshot '%s' does not exist", name)
			}
			return nil
		}, func(r *taskRun) {
			sn := g.snapshots[name]
			conf := cloneConf(sn.conf)
			conf["parent"] = name
			g.conf = conf
			g.resized()
			g.status, g.paused, g.pid = "stopped", false, 0
			if sn.vmstate {
				g.status, g.startedAt = "running", time.Now()
				g.pid = s.st.nodes[g.node].nextPID + 7
			}
			s.guestNetChanged(g, g.status == "running")
			if start && g.status != "running" {
				s.startGuestTask(g, c.user)
			}
		}), nil
	}
}

// deleteSnapshot serves DELETE .../{vmid}/snapshot/{snapname}.
func (s *Server) deleteSnapshot(kind string) handlerFunc {
	return func(c *call) (any, error) {
		name := c.str("snapname")
		s.mu.Lock()
		defer s.mu.Unlock()
		g, aerr := s.loadGuest(c, kind)
		if aerr != nil {
			return nil, aerr
		}
		return s.snapshotTask(c, g, "delsnapshot", s.dur.SnapshotDelete, "snapshot-delete", func() error {
			if g.isTemplate() {
				return errors.New("you can't delete a snapshot if vm is a template")
			}
			if g.snapshots[name] == nil {
				return fmt.Errorf("snapshot '%s' does not exist", name)
			}
			return nil
		}, func(r *taskRun) {
			sn := g.snapshots[name]
			for _, other := range g.snapshots {
				if other.parent == name {
					other.parent = sn.parent
				}
			}
			if g.conf["parent"] == name {
				if sn.parent != "" {
					g.conf["parent"] = sn.parent
				} else {
					delete(g.conf, "parent")
				}
			}
			delete(g.snapshots, name)
			for i, n := range g.snapOrder {
				if n == name {
					g.snapOrder = append(g.snapOrder[:i:i], g.snapOrder[i+1:]...)
					break
				}
			}
		}), nil
	}
}

// snapshotTask runs a snapshot operation as Proxmox's snapshot worker does:
// take the config flock, check the lock and preconditions, set the
// operation's config lock for its duration, apply, and unlock. The caller
// holds Server.mu.
func (s *Server) snapshotTask(c *call, g *guest, op string, dur time.Duration, lock string, check func() error, apply func(r *taskRun)) any {
	spec := taskSpec{node: g.node, typ: snapshotTaskType(g.kind, op), id: itoa(g.vmid), user: c.user, nominal: dur}
	t := s.startTask(spec, func(r *taskRun) error {
		release, err := r.exclusive(g)
		if err != nil {
			return err
		}
		defer release()
		err = r.locked(func() error {
			if s.st.guests[g.vmid] != g {
				return configMissing(g.node, g.kind, g.vmid)
			}
			if err := checkLock(g); err != nil {
				return err
			}
			if err := check(); err != nil {
				return err
			}
			g.conf["lock"] = lock
			return nil
		})
		if err != nil {
			return err
		}
		if err := r.sleep(dur); err != nil {
			_ = r.locked(func() error { delete(g.conf, "lock"); return nil })
			return err
		}
		return r.locked(func() error {
			delete(g.conf, "lock")
			apply(r)
			return nil
		})
	})
	return upidResult(t)
}

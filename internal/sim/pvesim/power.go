package pvesim

import (
	"errors"
	"fmt"
	"time"
)

// powerTaskTypes are the task types of power actions per guest kind. A
// VM's suspend is a qmpause, or a qmsuspend when it hibernates (todisk);
// see powerTaskType.
var powerTaskTypes = map[string]map[string]string{
	kindQEMU: {"start": "qmstart", "stop": "qmstop", "shutdown": "qmshutdown", "reboot": "qmreboot",
		"reset": "qmreset", "suspend": "qmpause", "resume": "qmresume"},
	kindLXC: {"start": "vzstart", "stop": "vzstop", "shutdown": "vzshutdown", "reboot": "vzreboot",
		"suspend": "vzsuspend", "resume": "vzresume"},
}

// powerAction serves POST .../{vmid}/status/{action}. Synchronous checks
// are the ones Proxmox makes before forking the worker (a container that
// is already running, a VM that must run to be reset, ...); everything else,
// like starting a VM that already runs, fails inside the task.
func (s *Server) powerAction(kind, action string) handlerFunc {
	return func(c *call) (any, error) {
		if c.bool("skiplock") && c.user != "root@pam" {
			// Not even root's API tokens: the user must be root@pam itself.
			return nil, paramErr(map[string]string{"skiplock": "Only root may use this option."})
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		node, vmid := c.str("node"), c.vmid()
		g := s.st.guestOn(node, kind, vmid)
		running := g != nil && g.status == "running"
		if err := powerPrecheck(kind, action, g, vmid, node, running, c); err != nil {
			return nil, err
		}
		todisk := kind == kindQEMU && action == "suspend" && c.bool("todisk")
		// Resuming a hibernated VM starts it from its saved state, inside
		// the qmresume task (vm_resume calls vm_start).
		work := action
		if kind == kindQEMU && action == "resume" && hibernated(g) {
			work = "start"
		}
		dur := s.powerDuration(kind, work)
		spec := taskSpec{node: node, typ: powerTaskType(kind, action, todisk), id: itoa(vmid), user: c.user, nominal: dur}
		skiplock := c.bool("skiplock")
		t := s.startTask(spec, func(r *taskRun) error {
			return s.runPowerAction(r, kind, work, node, vmid, dur, skiplock, todisk)
		})
		return upidResult(t), nil
	}
}

// powerTaskType is the task type of a power action: qmpause for a VM's
// suspend, qmsuspend when it suspends to disk (vm_suspend's $taskname).
func powerTaskType(kind, action string, todisk bool) string {
	if kind == kindQEMU && action == "suspend" && todisk {
		return "qmsuspend"
	}
	return powerTaskTypes[kind][action]
}

// hibernated reports whether a VM was suspended to disk: its config holds
// the lock "suspended" until it is started (or resumed) again.
func hibernated(g *guest) bool { return g != nil && g.lock() == "suspended" }

// startGuestTask starts g as a separate start task of user's, the way a
// worker that calls the vm_start API method forks one. The caller holds
// Server.mu.
func (s *Server) startGuestTask(g *guest, user string) *task {
	dur := s.powerDuration(g.kind, "start")
	spec := taskSpec{node: g.node, typ: powerTaskTypes[g.kind]["start"], id: itoa(g.vmid), user: user, nominal: dur}
	node, kind, vmid := g.node, g.kind, g.vmid
	return s.startTask(spec, func(r *taskRun) error {
		return s.runPowerAction(r, kind, "start", node, vmid, dur, false, false)
	})
}

// powerPrecheck returns the errors Proxmox raises before starting the task.
func powerPrecheck(kind, action string, g *guest, vmid int, node string, running bool, c *call) error {
	if kind == kindQEMU {
		if action == "reboot" && g != nil && running && g.paused {
			// vm_reboot asks vm_is_paused before check_running.
			return errf("VM is paused - cannot shutdown")
		}
		switch action {
		case "reset", "reboot", "suspend", "resume":
			if g == nil {
				return vmConfigNotOnNode(vmid, node)
			}
			if !running && !(action == "resume" && hibernated(g)) {
				return errf("VM %d not running", vmid)
			}
		case "shutdown":
			if g != nil && running && g.paused && !c.bool("forceStop") {
				return errf("VM is paused - cannot shutdown")
			}
		}
		return nil
	}
	switch action {
	case "start", "resume":
		if running {
			return errf("CT %d already running", vmid)
		}
	case "stop", "shutdown", "suspend":
		if !running {
			return errf("CT %d not running", vmid)
		}
	case "reboot":
		if !running {
			return errf("VM %d not running", vmid)
		}
	}
	return nil
}

func (s *Server) powerDuration(kind, action string) time.Duration {
	switch action {
	case "start", "resume":
		if action == "resume" && kind == kindQEMU {
			return s.dur.Resume
		}
		return s.dur.Start
	case "stop":
		return s.dur.Stop
	case "shutdown":
		return s.dur.Shutdown
	case "reboot":
		return s.dur.Reboot
	case "reset":
		return s.dur.Reset
	case "suspend":
		return s.dur.Suspend
	}
	return s.dur.Resume
}

// runPowerAction is the worker of a power action: it takes the guest's
// config lock, checks the state as the real worker does, waits the action's
// duration and applies it. A VM suspended to disk is stopped with the lock
// "suspended", which its next start (or resume) clears.
func (s *Server) runPowerAction(r *taskRun, kind, action, node string, vmid int, dur time.Duration, skiplock, todisk bool) error {
	var g *guest
	if err := r.locked(func() error {
		if g = s.st.guestOn(node, kind, vmid); g == nil {
			return configMissing(node, kind, vmid)
		}
		return nil
	}); err != nil {
		return err
	}
	release, err := r.exclusive(g)
	if err != nil {
		return err
	}
	defer release()
	var noop bool
	err = r.locked(func() error {
		if s.st.guests[vmid] != g {
			return configMissing(node, kind, vmid)
		}
		var err error
		if noop, err = powerTaskCheck(kind, action, g, skiplock); err != nil || noop {
			return err
		}
		if action == "suspend" && todisk {
			// vm_suspend holds "suspending" while it saves the state and
			// leaves it behind if saving fails.
			g.conf["lock"] = "suspending"
		}
		if action == "start" || action == "resume" && kind == kindLXC {
			return s.memoryCheck(r, g)
		}
		return nil
	})
	if err != nil || noop {
		return err
	}
	if err := r.sleep(dur); err != nil {
		return err
	}
	return r.locked(func() error {
		if s.st.guests[vmid] != g {
			return configMissing(node, kind, vmid)
		}
		// The guest's network follows whatever state the action leaves; a
		// guest that boots (a container's resume is a start) asks for leases.
		booted := action == "start" || action == "reboot" || action == "reset" || action == "resume" && kind == kindLXC
		defer s.guestNetChanged(g, booted)
		now := time.Now()
		switch action {
		case "start", "resume":
			if kind == kindQEMU && action == "resume" {
				g.paused = false
				return nil
			}
			g.status, g.startedAt, g.paused = "running", now, false
			g.pid = s.st.nodes[node].nextPID + 7
			if g.conf["lock"] == "suspended" {
				delete(g.conf, "lock")
			}
		case "stop", "shutdown":
			g.status, g.paused, g.pid = "stopped", false, 0
		case "reboot", "reset":
			g.startedAt, g.paused = now, false
		case "suspend":
			if kind == kindLXC || todisk {
				g.status, g.pid = "stopped", 0
				if todisk {
					g.conf["lock"] = "suspended"
				}
				return nil
			}
			g.paused = true
		}
		return nil
	})
}

// powerTaskCheck is what the worker checks once it holds the config lock.
// noop reports an action with nothing to do (stopping a stopped VM).
func powerTaskCheck(kind, action string, g *guest, skiplock bool) (noop bool, err error) {
	running := g.status == "running"
	lockErr := func() error {
		if skiplock || g.lock() == "suspended" && action == "start" {
			return nil
		}
		return checkLock(g)
	}
	switch action {
	case "start":
		if g.isTemplate() {
			if kind == kindLXC {
				return false, errors.New("you can't start a CT if it's a template")
			}
			return false, errors.New("you can't start a vm if it's a template")
		}
		if err := lockErr(); err != nil {
			return false, err
		}
		if running {
			return false, fmt.Errorf("VM %d already running", g.vmid)
		}
	case "stop", "shutdown", "reboot":
		if !running {
			return true, nil
		}
		return false, lockErr()
	default:
		return false, lockErr()
	}
	return false, nil
}

// memoryCheck fails a start that would overcommit the node's memory, the
// way QEMU fails to allocate guest RAM. The caller holds Server.mu.
func (s *Server) memoryCheck(r *taskRun, g *guest) error {
	n := s.st.nodes[g.node]
	if s.st.nodeMemUsed(n)+g.maxmem() <= n.memory {
		return nil
	}
	if g.kind == kindLXC {
		return fmt.Errorf("startup for container '%d' failed", g.vmid)
	}
	r.t.log = append(r.t.log, "kvm: cannot set up guest memory 'pc.ram': Cannot allocate memory")
	return errors.New("start failed: QEMU exited with code 1")
}

// exclusive takes the guest's config flock exclusively, waiting for clones
// holding it shared and other workers holding it, and returns its release.
func (r *taskRun) exclusive(g *guest) (func(), error) {
	deadline := time.Now().Add(r.s.dur.LockTimeout)
	for {
		r.s.mu.Lock()
		if g.sharedLocks == 0 && !g.flockHeld {
			g.flockHeld = true
			r.s.mu.Unlock()
			return func() {
				r.s.mu.Lock()
				g.flockHeld = false
				r.s.mu.Unlock()
			}, nil
		}
		r.s.mu.Unlock()
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("can't lock file '%s' - got timeout", lockFile(g.kind, g.vmid))
		}
		if err := r.sleep(max(r.s.dur.LockTimeout/50, 200*time.Microsecond)); err != nil {
			return nil, err
		}
	}
}

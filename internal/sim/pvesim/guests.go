package pvesim

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// loadGuest returns the guest in the request path as load_config on the
// path's node finds it, or Proxmox's "Configuration file ... does not exist".
func (s *Server) loadGuest(c *call, kind string) (*guest, *apiError) {
	node, vmid := c.str("node"), c.vmid()
	g := s.st.guestOn(node, kind, vmid)
	if g == nil {
		return nil, configMissing(node, kind, vmid)
	}
	return g, nil
}

// configMissing is load_config's error for a guest whose config file is
// not on the node.
func configMissing(node, kind string, vmid int) *apiError {
	return errf("Configuration file '%s' does not exist", cfsPath(node, kind, vmid))
}

// vmConfigNotOnNode is PVE::QemuConfig::assert_config_exists_on_node's
// error, which check_running raises for a VM whose config is not on the
// node: the first check of clone, suspend, resume, reset and reboot.
func vmConfigNotOnNode(vmid int, node string) *apiError {
	return errf("unable to find configuration file for VM %d on node '%s'", vmid, node)
}

// checkLock is Proxmox's check_lock: "VM is locked (clone)".
func checkLock(g *guest) error {
	if l := g.lock(); l != "" {
		return fmt.Errorf("%s is locked (%s)", g.typeWord(), l)
	}
	return nil
}

// waitFlock waits, without holding Server.mu, until neither a clone (shared)
// nor a worker (exclusive) holds the guest's config flock, as lock_config
// does, and fails with Proxmox's flock timeout after the lock timeout.
func (s *Server) waitFlock(ctx context.Context, kind string, vmid int) error {
	deadline := time.Now().Add(s.dur.LockTimeout)
	for {
		s.mu.RLock()
		g := s.st.guests[vmid]
		busy := g != nil && (g.sharedLocks > 0 || g.flockHeld)
		s.mu.RUnlock()
		if !busy {
			return nil
		}
		if time.Now().After(deadline) {
			return errf("can't lock file '%s' - got timeout", lockFile(kind, vmid))
		}
		select {
		case <-time.After(max(s.dur.LockTimeout/20, time.Millisecond)):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// guestEntry renders a guest as the node's guest list and status/current do.
func (s *Server) guestEntry(g *guest, now time.Time) map[string]any {
	e := map[string]any{
		"vmid": g.vmid, "name": g.name(), "status": g.status, "cpus": g.cpus(), "maxmem": g.maxmem(),
		"maxdisk": s.st.bootDiskSize(g), "disk": 0, "cpu": 0, "mem": guestMem(g), "uptime": 0,
		"netin": 0, "netout": 0, "diskread": 0, "diskwrite": 0,
	}
	if g.status == "running" {
		e["cpu"] = 0.01
		e["uptime"] = int64(now.Sub(g.startedAt).Seconds())
		e["pid"] = g.pid
	}
	if g.kind == kindQEMU {
		e["memhost"] = guestMem(g)
	} else {
		e["type"] = kindLXC
		e["maxswap"] = uint64(512 << 20)
		if g.status == "running" {
			e["disk"] = s.st.bootDiskSize(g) / 8
		}
	}
	if g.isTemplate() {
		e["template"] = 1
	}
	if l := g.lock(); l != "" {
		e["lock"] = l
	}
	if t := g.conf["tags"]; t != "" {
		e["tags"] = t
	}
	return e
}

// listGuests serves GET /nodes/{node}/qemu and /nodes/{node}/lxc.
func (s *Server) listGuests(kind string) handlerFunc {
	return func(c *call) (any, error) {
		now := time.Now()
		s.mu.RLock()
		defer s.mu.RUnlock()
		node := c.str("node")
		out := []map[string]any{}
		for _, vmid := range s.st.sortedVMIDs() {
			if g := s.st.guests[vmid]; g.node == node && g.kind == kind {
				out = append(out, s.guestEntry(g, now))
			}
		}
		return out, nil
	}
}

// guestStatus serves GET .../{vmid}/status/current.
func (s *Server) guestStatus(kind string) handlerFunc {
	return func(c *call) (any, error) {
		now := time.Now()
		s.mu.RLock()
		defer s.mu.RUnlock()
		g, err := s.loadGuest(c, kind)
		if err != nil {
			return nil, err
		}
		e := s.guestEntry(g, now)
		e["ha"] = map[string]any{"managed": 0}
		if kind == kindQEMU {
			qmp := g.status
			if g.status == "running" && g.paused {
				qmp = "paused"
			}
			e["qmpstatus"] = qmp
			if agentEnabled(g) {
				e["agent"] = 1
			}
			if g.status == "running" {
				e["running-machine"] = "pc-i440fx-10.0+pve1"
				e["running-qemu"] = "10.0.2"
			}
		}
		return e, nil
	}
}

// getConfig serves GET .../{vmid}/config (and the config of one snapshot
// with the snapshot parameter).
func (s *Server) getConfig(kind string) handlerFunc {
	return func(c *call) (any, error) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		g, err := s.loadGuest(c, kind)
		if err != nil {
			return nil, err
		}
		if name := c.str("snapshot"); name != "" {
			snap := g.snapshots[name]
			if snap == nil {
				return nil, errf("snapshot '%s' does not exist", name)
			}
			return renderConf(kind, snap.conf), nil
		}
		return renderConf(kind, g.conf), nil
	}
}

// configSkipKeys are update parameters that are not config keys.
var configSkipKeys = map[string]bool{
	"node": true, "vmid": true, "digest": true, "delete": true, "revert": true, "skiplock": true,
	"background_delay": true, "force": true,
}

// applyConfig applies a config update to g as update_vm_api does: digest
// and lock checks, deletions, new MACs for NICs without one, sorted tags.
// The caller holds Server.mu.
func (s *Server) applyConfig(g *guest, params map[string]string) error {
	if d, ok := params["digest"]; ok && d != "" && d != confDigest(g.conf) {
		return errf("detected modified configuration - file changed by other user? Try again.")
	}
	if !isTrue(params["skiplock"]) {
		if err := checkLock(g); err != nil {
			return err
		}
	}
	for _, k := range splitList(params["delete"]) {
		if k == "template" || k == "lock" {
			continue
		}
		delete(g.conf, k)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		if !configSkipKeys[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := params[k]
		switch {
		case isNetKey(k):
			if netMAC(g.kind, v) == "" {
				v = withNetMAC(g.kind, v, s.ids.mac())
			} else {
				s.ids.macs[netMAC(g.kind, v)] = true
			}
		case k == "tags":
			v = normalizeTags(v)
		}
		g.conf[k] = v
	}
	g.resized()
	return nil
}

// normalizeTags dedups and sorts tags and joins them with ';', as Proxmox's
// get_unique_tags does with the default tag style.
func normalizeTags(v string) string {
	seen := map[string]bool{}
	var out []string
	for _, t := range splitList(v) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ";")
}

// isTrue parses a Proxmox boolean.
func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "1", "on", "yes", "true":
		return true
	}
	return false
}

// putConfig serves PUT .../{vmid}/config: a synchronous update answering null.
func (s *Server) putConfig(kind string) handlerFunc {
	return func(c *call) (any, error) {
		if err := s.waitFlock(c.r.Context(), kind, c.vmid()); err != nil {
			return nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		g, aerr := s.loadGuest(c, kind)
		if aerr != nil {
			return nil, aerr
		}
		return nil, s.applyConfig(g, c.params)
	}
}

// postQemuConfig serves POST /nodes/{node}/qemu/{vmid}/config: the update
// runs as a qmconfig task and the UPID is returned.
func (s *Server) postQemuConfig(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, aerr := s.loadGuest(c, kindQEMU)
	if aerr != nil {
		return nil, aerr
	}
	params := c.params
	t := s.startTask(taskSpec{node: g.node, typ: "qmconfig", id: itoa(g.vmid), user: c.user, nominal: s.dur.ConfigUpdate},
		func(r *taskRun) error {
			release, err := r.exclusive(g)
			if err != nil {
				return err
			}
			defer release()
			if err := r.sleep(s.dur.ConfigUpdate); err != nil {
				return err
			}
			return r.locked(func() error {
				if s.st.guests[g.vmid] != g {
					return configMissing(g.node, g.kind, g.vmid)
				}
				for _, k := range sortedKeys(params) {
					if !configSkipKeys[k] {
						r.t.log = append(r.t.log, "update VM "+itoa(g.vmid)+": -"+k+" "+params[k])
					}
				}
				return s.applyConfig(g, params)
			})
		})
	return upidResult(t), nil
}

// agentEnabled reports whether the QEMU guest agent is enabled in the config.
func agentEnabled(g *guest) bool {
	a := g.conf["agent"]
	if a == "" {
		return false
	}
	first, _, _ := cutComma(a)
	if v, ok := strings.CutPrefix(first, "enabled="); ok {
		return isTrue(v)
	}
	if strings.Contains(first, "=") {
		return isTrue(propValue(a, "enabled"))
	}
	return isTrue(first)
}

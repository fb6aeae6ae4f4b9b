package pvesim

import (
	"strings"
)

// resizeContainer serves PUT /nodes/{node}/lxc/{vmid}/resize as
// PVE::API2::LXC resize_vm does: the disk must exist, the new size
// ("NG", or "+NG" added to the current size) may not be smaller than the
// current one, and a vzresize task grows the volume and records the new
// size in the disk's property string.
func (s *Server) resizeContainer(c *call) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, aerr := s.loadGuest(c, kindLXC)
	if aerr != nil {
		return nil, aerr
	}
	if err := checkLock(g); err != nil {
		return nil, err
	}
	disk := c.str("disk")
	prop, ok := g.conf[disk]
	if !ok {
		return nil, errf("unable to parse config of mount point %s", disk)
	}
	cur := uint64(0)
	for _, opt := range strings.Split(prop, ",") {
		if v, ok := strings.CutPrefix(opt, "size="); ok {
			cur, _ = parseSize(v)
		}
	}
	want := c.str("size")
	add := strings.HasPrefix(want, "+")
	size, err := parseSize(strings.TrimPrefix(want, "+"))
	if err != nil {
		return nil, paramErr(map[string]string{"size": "value does not match the regex pattern"})
	}
	if add {
		size += cur
	}
	if size < cur {
		return nil, errf("unable to shrink disk size")
	}
	t := s.startTask(taskSpec{node: g.node, typ: "vzresize", id: itoa(g.vmid), user: c.user, nominal: s.dur.ConfigUpdate},
		func(r *taskRun) error {
			if err := r.sleep(s.dur.ConfigUpdate); err != nil {
				return err
			}
			return r.locked(func() error {
				if s.st.guests[g.vmid] != g {
					return configMissing(g.node, g.kind, g.vmid)
				}
				var opts []string
				for _, opt := range strings.Split(g.conf[disk], ",") {
					if !strings.HasPrefix(opt, "size=") {
						opts = append(opts, opt)
					}
				}
				g.conf[disk] = strings.Join(append(opts, "size="+formatSize(size)), ",")
				g.resized()
				return nil
			})
		})
	return upidResult(t), nil
}

package proxmox

import "strings"

// AgentEnabled reports whether the config enables the QEMU guest agent:
// "agent: 1", or enabled=1 in its property string ("enabled=1,fstrim_cloned_disks=1").
// Without the key, or with "agent: 0", the VM has no agent channel.
func (g GuestConfig) AgentEnabled() bool {
	v, ok := g["agent"]
	if !ok {
		return false
	}
	for i, part := range strings.Split(v, ",") {
		key, val, hasKey := strings.Cut(part, "=")
		switch {
		case !hasKey && i == 0:
			return isTrue(key)
		case hasKey && key == "enabled":
			return isTrue(val)
		}
	}
	return false
}

// isTrue is a Proxmox boolean: 1, yes, on or true.
func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "on", "true":
		return true
	}
	return false
}

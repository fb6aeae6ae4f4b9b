package proxmox_test

import (
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
)

func TestAgentEnabled(t *testing.T) {
	for _, tc := range []struct {
		conf proxmox.GuestConfig
		want bool
	}{
		{proxmox.GuestConfig{}, false},
		{proxmox.GuestConfig{"agent": "1"}, true},
		{proxmox.GuestConfig{"agent": "0"}, false},
		{proxmox.GuestConfig{"agent": "1,fstrim_cloned_disks=1"}, true},
		{proxmox.GuestConfig{"agent": "0,type=virtio"}, false},
		{proxmox.GuestConfig{"agent": "enabled=1,type=isa"}, true},
		{proxmox.GuestConfig{"agent": "type=virtio,enabled=0"}, false},
		{proxmox.GuestConfig{"agent": "type=virtio"}, false},
	} {
		if got := tc.conf.AgentEnabled(); got != tc.want {
			t.Errorf("AgentEnabled(%q) = %v, want %v", tc.conf["agent"], got, tc.want)
		}
	}
}

// TestGuestAgentDisabledIsInvalid checks that a running VM with agent: 0,
// which Proxmox answers "QEMU guest agent is not running" like an agent
// still booting, is Invalid rather than AgentNotReady: polling would never
// end.
func TestGuestAgentDisabledIsInvalid(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	cloneLinked(t, c, 270)
	upid, err := c.SetVMConfig(ctx, "pve1", 270, proxmox.ConfigChange{Set: map[string]any{"agent": 0}})
	mustTask(t, c, upid, err)
	upid, err = c.StartVM(ctx, "pve1", 270)
	mustTask(t, c, upid, err)
	_, err = c.GuestAgentIPv4(ctx, "pve1", 270)
	if e := wantKind(t, err, proxmox.Invalid); e != nil && proxmox.IsRetryable(err) {
		t.Errorf("disabled agent is retryable: %v", err)
	}
	_, err = c.GuestAgentInterfaces(ctx, "pve1", 270)
	wantKind(t, err, proxmox.Invalid)
}

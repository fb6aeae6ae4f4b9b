package proxmox_test

import (
	"testing"
	"time"

	"github.com/labforge/labforge/internal/proxmox"
)

// TestTaskOwnerOfTokenTask checks that a task Labforge starts with its API
// token reports its owner as Proxmox does: user root@pam and token
// labforge, while the UPID's user field keeps root@pam!labforge.
func TestTaskOwnerOfTokenTask(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s, "pve1", proxmox.Options{})
	ctx := testCtx(t, 10*time.Second)
	upid, err := c.StartVM(ctx, "pve1", 9000) // a template: the task fails, which is fine here
	if err != nil {
		t.Fatal(err)
	}
	u, err := proxmox.ParseUPID(upid)
	if err != nil || u.User != "root@pam!labforge" {
		t.Fatalf("UPID %s: user field %q, %v", upid, u.User, err)
	}
	st, err := c.PollTask(ctx, upid)
	if err != nil || st.User != "root@pam" || st.TokenID != "labforge" {
		t.Errorf("PollTask = user %q token %q, %v", st.User, st.TokenID, err)
	}
	st, _ = c.WaitTask(ctx, "", upid, fastWait)
	if st.User != "root@pam" || st.TokenID != "labforge" || st.Running() {
		t.Errorf("WaitTask = %+v", st)
	}
}

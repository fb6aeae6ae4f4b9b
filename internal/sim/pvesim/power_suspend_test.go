package pvesim_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestSuspendTaskTypes checks PVE::API2::Qemu::vm_suspend's task names: a
// pause is a qmpause task, a suspend to disk (hibernation) a qmsuspend
// task that stops the VM and leaves the lock "suspended".
func TestSuspendTaskTypes(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 150)
	cx := ctx(t)
	task, err := vm.Start(cx)
	mustOK(t, task, err)

	task, err = vm.Pause(cx)
	mustOK(t, task, err)
	if task.Type != "qmpause" {
		t.Errorf("pause task type %q, want qmpause", task.Type)
	}
	if g, _ := s.Guest("pve1", 150); !g.Paused || g.Status != "running" || g.Lock != "" {
		t.Errorf("after pause: status %s paused %v lock %q", g.Status, g.Paused, g.Lock)
	}
	// vm_reboot refuses a paused VM before it forks.
	if _, err := vm.Reboot(cx); err == nil || err.Error() != "500 VM is paused - cannot shutdown" {
		t.Errorf("reboot of a paused VM: %v", err)
	}
	task, err = vm.Resume(cx)
	mustOK(t, task, err)
	if task.Type != "qmresume" {
		t.Errorf("resume task type %q, want qmresume", task.Type)
	}

	task, err = vm.Hibernate(cx)
	mustOK(t, task, err)
	if task.Type != "qmsuspend" {
		t.Errorf("hibernate task type %q, want qmsuspend", task.Type)
	}
	if g, _ := s.Guest("pve1", 150); g.Status != "stopped" || g.Lock != "suspended" {
		t.Errorf("after hibernate: status %s lock %q", g.Status, g.Lock)
	}
}

// TestResumeHibernatedVMStartsIt checks vm_resume: a VM with the lock
// "suspended" is not running, yet resume is accepted and its qmresume
// task starts the VM (vm_start), clearing the lock. A VM that is neither
// running nor hibernated is refused before any task starts.
func TestResumeHibernatedVMStartsIt(t *testing.T) {
	s := newSim(t, nil)
	c := newClient(t, s)
	vm := clonedVM(t, c, 151)
	cx := ctx(t)

	if _, err := vm.Resume(cx); err == nil || err.Error() != "500 VM 151 not running" {
		t.Errorf("resume of a stopped VM: %v", err)
	}
	task, err := vm.Start(cx)
	mustOK(t, task, err)
	task, err = vm.Hibernate(cx)
	mustOK(t, task, err)

	task, err = vm.Resume(cx)
	mustOK(t, task, err)
	if task.Type != "qmresume" {
		t.Errorf("resume task type %q, want qmresume", task.Type)
	}
	g, _ := s.Guest("pve1", 151)
	if g.Status != "running" || g.Paused || g.Lock != "" {
		t.Errorf("after resuming a hibernated VM: status %s paused %v lock %q", g.Status, g.Paused, g.Lock)
	}
	if _, err := vmHandle(c, "pve1", 777).Resume(cx); err == nil ||
		err.Error() != "500 unable to find configuration file for VM 777 on node 'pve1'" {
		t.Errorf("resume of a missing VM: %v", err)
	}
}

// TestSkiplockOnlyForRoot checks the power actions' skiplock guard
// (PVE::API2::Qemu::vm_start, vm_stop, ...; PVE::API2::LXC::Status): only
// the user root@pam may skip the lock, not an API token of root's.
func TestSkiplockOnlyForRoot(t *testing.T) {
	s := newSim(t, nil)
	r := rawDo(t, s, "POST", "/nodes/pve1/qemu/9000/status/stop", "application/x-www-form-urlencoded", "skiplock=1", nil)
	if r.status != 400 || !strings.Contains(r.body, `"skiplock":"Only root may use this option."`) {
		t.Errorf("skiplock with root's token: %d %s", r.status, r.body)
	}
	ticket, csrf := login(t, s)
	r = rawDo(t, s, "POST", "/nodes/pve1/qemu/9000/status/stop", "application/x-www-form-urlencoded", "skiplock=1",
		map[string]string{"Cookie": "PVEAuthCookie=" + url.QueryEscape(ticket), "CSRFPreventionToken": csrf})
	if r.status != 200 || !strings.Contains(r.body, ":qmstop:9000:root@pam:") {
		t.Errorf("skiplock as root@pam: %d %s", r.status, r.body)
	}
}

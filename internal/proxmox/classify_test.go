package proxmox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	goprox "github.com/luthermonson/go-proxmox"
)

func TestMessageClassification(t *testing.T) {
	cases := []struct {
		msg  string
		want Kind
	}{
		{"can't lock file '/var/lock/qemu-server/lock-105.conf' - got timeout", Locked},
		{"clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout", Locked},
		{"cfs-lock 'storage-nfs' error: got lock request timeout", Locked},
		{"VM is locked (clone)", Locked},
		{"VM 105 is locked (backup)", Locked},
		{"CT is locked (create)", Locked},
		{"QEMU guest agent is not running", AgentNotReady},
		{"No QEMU guest agent configured", Invalid},
		{"VM 104 already running", Conflict},
		{"CT 105 already running", Conflict},
		{"VM 105 not running", Conflict},
		{"VM 105 is not running", Conflict},
		{"VM 105 is running - destroy failed", Conflict},
		{"unable to destroy CT 105 - container is running", Conflict},
		{"VM is paused - cannot shutdown", Conflict},
		{"you can't start a vm if it's a template", Conflict},
		{"can't remove VM 105 - protection mode enabled", Conflict},
		{"base volume 'local-lvm:base-9000-disk-0' is still in use by linked cloned", Conflict},
		{"unable to create VM 105: config file already exists", AlreadyExists},
		{"CT 105 already exists on node 'pve1'", AlreadyExists},
		{"snapshot name 'clean' already used", AlreadyExists},
		{"refusing to override existing file 'alpine_3.22.tar'", AlreadyExists},
		{"can't upload to storage type 'lvmthin', not a file based storage!", Invalid},
		{"storage 'local-lvm' is not configured for content-type 'vztmpl'", Invalid},
		{"Configuration file 'nodes/pve1/qemu-server/105.conf' does not exist", NotFound},
		{"unable to find configuration file for VM 105 on node 'pve1'", NotFound},
		{"snapshot 'clean' does not exist", NotFound},
		{"no such VM ('105')", NotFound},
		{"unable to open file - No such file or directory", NotFound},
		{"clone failed: close (rename) atomic file '/etc/pve/nodes/pve1/qemu-server/850.conf' failed: File exists", AlreadyExists},
		{"hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known", NotFound},
		{"unable to create CT 105 - volume 'local:vztmpl/x.tar.zst' does not exist", NotFound},
		{"Permission check failed (pool 'x' does not exist)", Unauthorized},
		{"authentication failure", Unauthorized},
		{"Parameter verification failed.", Invalid},
		{"parameter 'storage' not allowed for linked clones", Invalid},
		{"Linked clone feature is not supported for 'local:vm-1-disk-0' (scsi0)", Invalid},
		{"cluster not ready - no quorum?", Transient},
		{"unable to read file '/etc/pve/storage.cfg' - got timeout", Transient},
		{"detected modified configuration - file changed by other user? Try again.", Transient},
		{"VM quit/powerdown failed - got timeout", Transient},
		{"lvremove 'pve/vm-105-disk-0' error:   Logical volume pve/vm-105-disk-0 in use.", Transient},
		{"start failed: QEMU exited with code 1", ""},
		{"interrupted by signal", ""},
	}
	for _, c := range cases {
		if got := messageKind(c.msg); got != c.want {
			t.Errorf("messageKind(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
	if taskKind("start failed: QEMU exited with code 1") != TaskFailed {
		t.Error("unclassified task failure is not TaskFailed")
	}
}

func TestHTTPClassification(t *testing.T) {
	cases := []struct {
		status int
		msg    string
		want   Kind
	}{
		{595, "No route to host", NodeDown},
		{596, "Connection timed out", NodeDown},
		{401, "authentication failure", Unauthorized},
		{403, "Permission check failed", Unauthorized},
		{400, "Parameter verification failed.", Invalid},
		{404, "Not Found", NotFound},
		{501, "Method 'GET /nodes/pve1/nope' not implemented", Invalid},
		{502, "Bad Gateway", Transient},
		{503, "Service Unavailable", Transient},
		{500, "VM 104 already running", Conflict},
		{500, "something odd happened", Transient},
		{418, "I'm a teapot", Invalid},
	}
	for _, c := range cases {
		if got := httpKind(c.status, c.msg); got != c.want {
			t.Errorf("httpKind(%d, %q) = %q, want %q", c.status, c.msg, got, c.want)
		}
	}
}

func TestRecordedAnswerWins(t *testing.T) {
	ex := &exchange{any: true, status: 595, reason: "No route to host"}
	e := classify("pve1", "VMStatus", errors.New("unexpected end of JSON input"), ex)
	if e.Kind != NodeDown || e.Status != 595 || e.Message != "No route to host" {
		t.Errorf("595: %+v", e)
	}
	// go-proxmox reports success for a 4xx with a {"data":null} body.
	ex = &exchange{any: true, status: 404, body: []byte(`{"data":null,"message":"no such thing\n"}`)}
	if e := classify("pve1", "X", nil, ex); e.Kind != NotFound || e.Message != "no such thing" {
		t.Errorf("404 with data null: %+v", e)
	}
	ex = &exchange{any: true, status: 400, reason: "Parameter verification failed.",
		body: []byte(`{"data":null,"errors":{"newid":"value must have a minimum value of 100"}}`)}
	if e := classify("pve1", "X", errors.New("bad request"), ex); e.Kind != Invalid || e.Params["newid"] == "" {
		t.Errorf("400: %+v", e)
	}
	// A 200 that go-proxmox cannot decode is not what Proxmox sends.
	var v any
	decodeErr := json.Unmarshal([]byte("<html>"), &v)
	if e := classify("pve1", "X", decodeErr, &exchange{any: true}); e.Kind != Invalid {
		t.Errorf("undecodable 200: %+v", e)
	}
}

func TestGoProxmoxShapes(t *testing.T) {
	cases := []struct {
		err    error
		kind   Kind
		status int
	}{
		{errors.New("500 VM 104 already running"), Conflict, 500},
		{errors.New("501 Method 'GET /x' not implemented"), Invalid, 501},
		{errors.New("500 cluster not ready - no quorum?"), Transient, 500},
		{errors.New(`bad request: 400 Parameter verification failed. - {"name":"invalid format - value does not look like a valid DNS name"}`), Invalid, 400},
		{goprox.ErrNotAuthorized, Unauthorized, 401},
		{errors.New("unexpected end of JSON input"), NodeDown, 0},
		{&url.Error{Op: "Get", URL: "https://pve1:8006", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, NodeDown, 0},
		{&url.Error{Op: "Get", URL: "https://pve1:8006", Err: &net.DNSError{Err: "no such host", Name: "pve1"}}, NodeDown, 0},
		{&url.Error{Op: "Get", URL: "https://pve1:8006", Err: syscall.ECONNRESET}, Transient, 0},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), Transient, 0},
		{&url.Error{Op: "Get", URL: "https://pve1:8006", Err: &breakerOpenError{Name: "pve1", What: "node", State: BreakerOpen}}, NodeDown, 0},
		{&url.Error{Op: "Get", URL: "https://pve1:8006", Err: &FingerprintError{Got: "AA", Want: "BB"}}, Unauthorized, 0},
	}
	for _, c := range cases {
		e := classify("pve1", "Op", c.err, nil)
		if e.Kind != c.kind || e.Status != c.status {
			t.Errorf("classify(%v) = %s %d, want %s %d", c.err, e.Kind, e.Status, c.kind, c.status)
		}
	}
	e := classify("pve1", "Op", cases[3].err, nil)
	if !strings.Contains(e.Params["name"], "DNS name") || e.Message != "Parameter verification failed." {
		t.Errorf("400 shape: %+v", e)
	}
}

func TestErrorBehaviour(t *testing.T) {
	inner := errors.New("boom")
	err := fmt.Errorf("activity: %w", &Error{Kind: Locked, Node: "pve1", Op: "CloneVM", Status: 500,
		Message: "VM is locked (clone)", UPID: "UPID:x", Err: inner})
	if !errors.Is(err, Locked) || errors.Is(err, NotFound) || !errors.Is(err, &Error{Kind: Locked}) || !errors.Is(err, inner) {
		t.Error("errors.Is does not see the kind or the cause")
	}
	if KindOf(err) != Locked || !IsRetryable(err) || KindOf(nil) != "" || KindOf(errors.New("x")) != Unknown {
		t.Error("KindOf/IsRetryable")
	}
	if KindOf(context.Canceled) != Transient {
		t.Error("context errors are not Transient")
	}
	want := "proxmox pve1 CloneVM: VM is locked (clone) [Locked 500 UPID:x]"
	if got := err.Error(); got != "activity: "+want {
		t.Errorf("Error() = %q", got)
	}
	p := (&Error{Kind: Invalid, Message: "Parameter verification failed.", Params: map[string]string{"b": "x", "a": "y"}}).Error()
	if p != "proxmox: Parameter verification failed. (a: y; b: x) [Invalid]" {
		t.Errorf("params rendering %q", p)
	}
	for k, retry := range map[Kind]bool{Transient: true, NodeDown: true, Locked: true, AgentNotReady: true,
		NotFound: false, AlreadyExists: false, Conflict: false, Invalid: false, Unauthorized: false, TaskFailed: false, Unknown: false} {
		if k.Retryable() != retry {
			t.Errorf("%s.Retryable() = %v", k, !retry)
		}
	}
}

package pveschema

import (
	"encoding/json"
	"testing"
)

// labforgeRequests are the calls Labforge makes, shaped as go-proxmox and
// Labforge's own code send them. Real Proxmox accepts every one.
var labforgeRequests = []struct {
	name string
	req  request
}{
	{"full clone", request{"POST", "/nodes/pve1/qemu/9000/clone", map[string]string{
		"newid": "101", "full": "1", "name": "lab-7f3a-vm1", "target": "pve2",
		"storage": "local-lvm", "pool": "labforge", "description": "Labforge lab 7f3a",
	}}},
	{"linked clone", request{"POST", "/nodes/pve1/qemu/9000/clone", map[string]string{
		"newid": "102", "full": "0", "name": "lab-7f3a-vm2", "pool": "labforge/lab-7f3a",
	}}},
	{"config POST", request{"POST", "/nodes/pve1/qemu/101/config", map[string]string{
		"name": "lab-7f3a-vm1", "cores": "2", "memory": "4096", "tags": "labforge;vm-7f3a",
		"description": "Labforge lab 7f3a\nowner: alice@example.com",
		"net0":        "virtio=BC:24:11:00:00:01,bridge=vmbr0",
	}}},
	{"config PUT", request{"PUT", "/nodes/pve1/qemu/101/config", map[string]string{
		"cores": "4", "memory": "8192", "sockets": "1", "onboot": "1",
		"net0":   "model=virtio,bridge=vmbr0,macaddr=BC:24:11:00:00:01,firewall=1,tag=20",
		"net1":   "e1000=BC:24:11:00:00:02,bridge=vmbr1,link_down=yes",
		"delete": "net2,unused0", "digest": "0123456789abcdef0123456789abcdef01234567",
		"ipconfig0": "ip=dhcp", "ciuser": "labforge", "agent": "enabled=1,fstrim_cloned_disks=1",
		"cpu": "x86-64-v2-AES,flags=+aes", "boot": "order=scsi0;net0", "hotplug": "network,disk,usb",
		"startup": "order=2,up=30", "scsi0": "local-lvm:vm-101-disk-0,discard=on,ssd=1,size=32G",
		"cdrom": "local:iso/debian-12.iso,media=cdrom",
	}}},
	{"lxc create with password", request{"POST", "/nodes/pve1/lxc", map[string]string{
		"ostemplate": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "vmid": "200",
		"hostname": "lab-7f3a-ct1", "net0": "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:03,ip=dhcp",
		"memory": "1024", "swap": "512", "cores": "1", "rootfs": "local-lvm:8", "password": "S3cret!pw",
		"unprivileged": "1", "start": "1", "pool": "labforge", "tags": "labforge;ct-7f3a",
		"features": "nesting=1", "ostype": "debian", "nameserver": "10.0.0.1 10.0.0.2",
	}}},
	{"lxc create with ssh keys", request{"POST", "/nodes/pve1/lxc", map[string]string{
		"ostemplate": "local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz", "vmid": "201",
		"hostname": "ct2", "net0": "name=eth0,bridge=vmbr0,ip=10.10.0.5/24,gw=10.10.0.1,firewall=0",
		"rootfs": "volume=local-lvm:8,mountoptions=noatime;nodev", "unprivileged": "1",
		"ssh-public-keys": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG labforge@ci\nssh-rsa AAAAB3NzaC1yc2E alice",
	}}},
	{"lxc clone", request{"POST", "/nodes/pve1/lxc/8000/clone", map[string]string{
		"newid": "202", "hostname": "lab-7f3a-ct3", "full": "1", "pool": "labforge", "storage": "local-lvm",
	}}},
	{"lxc config hwaddr", request{"PUT", "/nodes/pve1/lxc/202/config", map[string]string{
		"net0": "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:AA:BB:CC,ip=dhcp,type=veth",
	}}},
	{"destroy vm", request{"DELETE", "/nodes/pve1/qemu/101", map[string]string{
		"purge": "1", "destroy-unreferenced-disks": "1",
	}}},
	{"destroy ct", request{"DELETE", "/nodes/pve1/lxc/202", map[string]string{"purge": "1", "force": "1"}}},
	{"start", request{"POST", "/nodes/pve1/qemu/101/status/start", nil}},
	{"stop", request{"POST", "/nodes/pve1/qemu/101/status/stop", map[string]string{"timeout": "30"}}},
	{"shutdown", request{"POST", "/nodes/pve1/qemu/101/status/shutdown", map[string]string{"timeout": "60", "forceStop": "1"}}},
	{"reboot", request{"POST", "/nodes/pve1/qemu/101/status/reboot", map[string]string{"timeout": "60"}}},
	{"reset", request{"POST", "/nodes/pve1/qemu/101/status/reset", nil}},
	{"suspend", request{"POST", "/nodes/pve1/qemu/101/status/suspend", nil}},
	{"resume", request{"POST", "/nodes/pve1/qemu/101/status/resume", nil}},
	{"status current", request{"GET", "/nodes/pve1/qemu/101/status/current", nil}},
	{"ct start", request{"POST", "/nodes/pve1/lxc/202/status/start", nil}},
	{"ct shutdown", request{"POST", "/nodes/pve1/lxc/202/status/shutdown", map[string]string{"timeout": "30", "forceStop": "1"}}},
	{"snapshot create", request{"POST", "/nodes/pve1/qemu/101/snapshot", map[string]string{
		"snapname": "baseline", "description": "before exercise 1", "vmstate": "0",
	}}},
	{"snapshot rollback", request{"POST", "/nodes/pve1/qemu/101/snapshot/baseline/rollback", map[string]string{"start": "1"}}},
	{"snapshot delete", request{"DELETE", "/nodes/pve1/qemu/101/snapshot/baseline", nil}},
	{"ct snapshot", request{"POST", "/nodes/pve1/lxc/202/snapshot", map[string]string{"snapname": "s1"}}},
	{"cluster resources", request{"GET", "/cluster/resources", map[string]string{"type": "vm"}}},
	{"next id", request{"GET", "/cluster/nextid", map[string]string{"vmid": "150"}}},
	{"ticket", request{"POST", "/access/ticket", map[string]string{"username": "root@pam", "password": "secret"}}},
	{"ticket with realm", request{"POST", "/access/ticket", map[string]string{
		"username": "labforge", "password": "secret", "realm": "pve",
	}}},
	{"task status", request{"GET", "/nodes/pve1/tasks/" + testUPID + "/status", nil}},
	{"task log", request{"GET", "/nodes/pve1/tasks/" + testUPID + "/log", map[string]string{"start": "0", "limit": "500"}}},
	{"agent interfaces", request{"GET", "/nodes/pve1/qemu/101/agent/network-get-interfaces", nil}},
	{"create pool", request{"POST", "/pools", map[string]string{"poolid": "labforge", "comment": "Labforge labs"}}},
	{"version", request{"GET", "/version", nil}},
	// Path parameters may be repeated in the body with the same value.
	{"node repeated", request{"POST", "/nodes/pve1/qemu/101/status/start", map[string]string{"node": "pve1"}}},
}

func TestLabforgeRequestsAccepted(t *testing.T) {
	s := loadSchema(t)
	for _, tt := range labforgeRequests {
		t.Run(tt.name, func(t *testing.T) {
			m, errs := validateRequest(t, s, tt.req)
			if errs != nil {
				t.Errorf("%s %s rejected: %q", tt.req.verb, m.Path, errs)
			}
		})
	}
}

// TestValidateAnyAcceptsJSONBodies covers JSON bodies: numbers, JSON
// booleans and arrays for "-list" formats, as pve-http-server passes them.
func TestValidateAnyAcceptsJSONBodies(t *testing.T) {
	s := loadSchema(t)
	clone := mustLookup(t, s, "POST", "/nodes/{node}/qemu/{vmid}/clone")
	var body map[string]any
	dec := json.NewDecoder(stringsReader(`{"node":"pve1","vmid":9000,"newid":101,"full":true,"name":"vm1"}`))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if errs := clone.ValidateAny(body); errs != nil {
		t.Errorf("clone JSON body rejected: %q", errs)
	}
	if errs := clone.ValidateAny(map[string]any{"node": "pve1", "vmid": 9000.0, "newid": 101, "full": false}); errs != nil {
		t.Errorf("clone typed body rejected: %q", errs)
	}
	cfg := mustLookup(t, s, "PUT", "/nodes/{node}/qemu/{vmid}/config")
	if errs := cfg.ValidateAny(map[string]any{"node": "pve1", "vmid": "101", "delete": []string{"net1", "unused0"}}); errs != nil {
		t.Errorf("delete as array rejected: %q", errs)
	}
}

package pveschema

import (
	"maps"
	"strings"
	"testing"
)

// The expected texts are Proxmox's own: PVE::JSONSchema's check_prop,
// check_type, check_object and parse_property_string, the verifiers'
// die messages, and PVE::Exception's stringification ("format error\n"
// followed by "path: message\n" lines) for property strings.
func TestRejectionsCarryProxmoxMessages(t *testing.T) {
	s := loadSchema(t)
	const clone = "/nodes/pve1/qemu/9000/clone"
	const cfg = "/nodes/pve1/qemu/101/config"
	const ct = "/nodes/pve1/lxc"
	ctBase := func(extra map[string]string) map[string]string {
		p := map[string]string{"ostemplate": "local:vztmpl/debian-12.tar.zst", "vmid": "200"}
		maps.Copy(p, extra)
		return p
	}
	tests := []struct {
		name string
		req  request
		want map[string]string
	}{
		{"unknown parameter", request{"POST", clone, map[string]string{"newid": "101", "linked": "1"}},
			map[string]string{"linked": "property is not defined in schema and the schema does not allow additional properties"}},
		{"vmid not an integer", request{"POST", clone, map[string]string{"newid": "abc"}},
			map[string]string{"newid": "type check ('integer') failed - got 'abc'"}},
		{"vmid out of range", request{"POST", clone, map[string]string{"newid": "99"}},
			map[string]string{"newid": "invalid format - value does not look like a valid VM ID\n"}},
		{"bool spelled true", request{"POST", clone, map[string]string{"newid": "101", "full": "true"}},
			map[string]string{"full": "type check ('boolean') failed - got 'true'"}},
		{"missing required", request{"POST", clone, map[string]string{"full": "1"}},
			map[string]string{"newid": "property is missing and it is not optional"}},
		{"bad dns name", request{"POST", clone, map[string]string{"newid": "101", "name": "lab_vm"}},
			map[string]string{"name": "invalid format - value does not look like a valid DNS name\n"}},
		{"bad node", request{"POST", clone, map[string]string{"newid": "101", "target": "pve_2"}},
			map[string]string{"target": "invalid format - value does not look like a valid node name\n"}},
		{"short storage id", request{"POST", clone, map[string]string{"newid": "101", "storage": "l"}},
			map[string]string{"storage": "invalid format - storage ID 'l' cannot be shorter than 2 characters\n"}},
		{"bad storage id", request{"POST", clone, map[string]string{"newid": "101", "storage": "local lvm"}},
			map[string]string{"storage": "invalid format - storage ID 'local lvm' contains illegal characters\n"}},
		{"pool too deep", request{"POST", clone, map[string]string{"newid": "101", "pool": "a/b/c/d"}},
			map[string]string{"pool": "invalid format - pool name 'a/b/c/d' nested too deeply (max levels = 3)\n"}},
		{"bad enum", request{"GET", "/cluster/resources", map[string]string{"type": "vms"}},
			map[string]string{"type": "value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'"}},
		{"below minimum", request{"PUT", cfg, map[string]string{"cores": "0"}},
			map[string]string{"cores": "value must have a minimum value of 1"}},
		{"above maximum", request{"POST", ct, ctBase(map[string]string{"cores": "9000"})},
			map[string]string{"cores": "value must have a maximum value of 8192"}},
		{"too long", request{"POST", "/nodes/pve1/qemu/101/snapshot", map[string]string{"snapname": strings.Repeat("s", 41)}},
			map[string]string{"snapname": "value may only be 40 characters long"}},
		{"bad config id", request{"POST", "/nodes/pve1/qemu/101/snapshot", map[string]string{"snapname": "1st"}},
			map[string]string{"snapname": "invalid format - invalid configuration ID '1st'\n"}},
		{"bad tag", request{"PUT", cfg, map[string]string{"tags": "labforge;vm@7f3a"}},
			map[string]string{"tags": "invalid format - invalid characters in tag\n"}},
		{"index beyond limit", request{"PUT", cfg, map[string]string{"net32": "virtio,bridge=vmbr0"}},
			map[string]string{"net32": "property is not defined in schema and the schema does not allow additional properties"}},
		{"non-canonical index", request{"PUT", cfg, map[string]string{"net01": "virtio,bridge=vmbr0"}},
			map[string]string{"net01": "property is not defined in schema and the schema does not allow additional properties"}},
		{"unknown property-string key", request{"PUT", cfg, map[string]string{"net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0,foo=bar"}},
			map[string]string{"net0": "invalid format - invalid key in comma-separated list property: foo\n"}},
		{"bad property-string bool", request{"PUT", cfg, map[string]string{"net0": "virtio,bridge=vmbr0,firewall=maybe"}},
			map[string]string{"net0": "invalid format - format error\nnet0.firewall: type check ('boolean') failed - got 'maybe'\n"}},
		{"multicast mac", request{"PUT", cfg, map[string]string{"net0": "virtio=01:00:5E:00:00:01,bridge=vmbr0"}},
			map[string]string{"net0": "invalid format - format error\nnet0.macaddr: invalid format - value does not look like a valid unicast MAC address\n\n"}},
		{"missing model", request{"PUT", cfg, map[string]string{"net0": "bridge=vmbr0"}},
			map[string]string{"net0": "invalid format - format error\nnet0.model: property is missing and it is not optional\n"}},
		{"bad model", request{"PUT", cfg, map[string]string{"net0": "virtio2,bridge=vmbr0"}},
			map[string]string{"net0": "invalid format - format error\nnet0.model: value 'virtio2' does not have a value in the enumeration 'e1000, e1000-82540em, e1000-82544gc, e1000-82545em, e1000e, i82551, i82557b, i82559er, ne2k_isa, ne2k_pci, pcnet, rtl8139, virtio, vmxnet3'\n"}},
		{"model twice", request{"PUT", cfg, map[string]string{"net0": "virtio=BC:24:11:00:00:01,model=e1000"}},
			map[string]string{"net0": "invalid format - duplicate key in comma-separated list property: model\n"}},
		{"model alias after model", request{"PUT", cfg, map[string]string{"net0": "e1000,virtio=BC:24:11:00:00:01"}},
			map[string]string{"net0": "invalid format - key alias 'model' is already defined\n"}},
		{"empty sub-value", request{"PUT", cfg, map[string]string{"net0": "virtio,bridge="}},
			map[string]string{"net0": "invalid format - missing key in comma-separated list property\n"}},
		{"bad hotplug", request{"PUT", cfg, map[string]string{"hotplug": "network,floppy"}},
			map[string]string{"hotplug": "invalid format - invalid hotplug feature 'floppy'\n"}},
		{"bad startup", request{"PUT", cfg, map[string]string{"startup": "order=1,later"}},
			map[string]string{"startup": "invalid format - unable to parse startup options\n"}},
		{"unknown cpu key (from typetext)", request{"PUT", cfg, map[string]string{"cpu": "host,flag=+aes"}},
			map[string]string{"cpu": "invalid format - invalid key in comma-separated list property: flag\n"}},
		{"bad volume id", request{"PUT", cfg, map[string]string{"scsi0": "vm-101-disk-0"}},
			map[string]string{"scsi0": "invalid format - format error\nscsi0.file: invalid format - unable to parse volume ID 'vm-101-disk-0'\n\n"}},
		{"lxc net0 without name", request{"POST", ct, ctBase(map[string]string{"net0": "bridge=vmbr0,ip=dhcp"})},
			map[string]string{"net0": "invalid format - format error\nnet0.name: property is missing and it is not optional\n"}},
		{"lxc ip without prefix", request{"POST", ct, ctBase(map[string]string{"net0": "name=eth0,bridge=vmbr0,ip=10.0.0.5"})},
			map[string]string{"net0": "invalid format - format error\nnet0.ip: invalid format - value does not look like a valid ipv4 network configuration\n\n"}},
		{"lxc bridge pattern", request{"POST", ct, ctBase(map[string]string{"net0": "name=eth0,bridge=vmbr 0"})},
			map[string]string{"net0": "invalid format - format error\nnet0.bridge: value does not match the regex pattern\n"}},
		{"lxc memory below minimum", request{"POST", ct, ctBase(map[string]string{"memory": "8"})},
			map[string]string{"memory": "value must have a minimum value of 16"}},
		{"lxc rootfs escapes", request{"POST", ct, ctBase(map[string]string{"rootfs": "../x"})},
			map[string]string{"rootfs": "invalid format - format error\nrootfs.volume: invalid format - ../x contains illegal character sequences\n\n"}},
		{"lxc rootfs size", request{"POST", ct, ctBase(map[string]string{"rootfs": "local-lvm:8,size=8X"})},
			map[string]string{"rootfs": "invalid format - format error\nrootfs.size: invalid format - value does not look like a valid disk size: 8X\n\n"}},
		{"lxc missing ostemplate", request{"POST", ct, map[string]string{"vmid": "200"}},
			map[string]string{"ostemplate": "property is missing and it is not optional"}},
		{"ticket privs without path", request{"POST", "/access/ticket", map[string]string{
			"username": "root@pam", "password": "x", "privs": "VM.Audit"}},
			map[string]string{"path": "missing property required by 'privs'"}},
		{"stop negative timeout", request{"POST", "/nodes/pve1/qemu/101/status/stop", map[string]string{"timeout": "-1"}},
			map[string]string{"timeout": "value must have a minimum value of 0"}},
		{"path param conflicts", request{"POST", "/nodes/pve1/qemu/101/status/start", map[string]string{"node": "pve2"}},
			map[string]string{"node": "duplicate parameter (already defined in URI) with conflicting values!"}},
		{"several at once", request{"POST", clone, map[string]string{"newid": "x", "full": "yes", "bogus": "1"}},
			map[string]string{
				"newid": "type check ('integer') failed - got 'x'",
				"full":  "type check ('boolean') failed - got 'yes'",
				"bogus": "property is not defined in schema and the schema does not allow additional properties",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := validateRequest(t, s, tt.req)
			if !maps.Equal(got, tt.want) {
				t.Errorf("errors = %q\nwant     %q", got, tt.want)
			}
		})
	}
}

func TestValidateAnyRejectsWrongJSONTypes(t *testing.T) {
	s := loadSchema(t)
	clone := mustLookup(t, s, "POST", "/nodes/{node}/qemu/{vmid}/clone")
	base := func(extra map[string]any) map[string]any {
		p := map[string]any{"node": "pve1", "vmid": 9000, "newid": 101}
		maps.Copy(p, extra)
		return p
	}
	tests := []struct {
		params map[string]any
		want   map[string]string
	}{
		{base(map[string]any{"newid": 101.5}), map[string]string{"newid": "type check ('integer') failed - got '101.5'"}},
		{base(map[string]any{"name": true}), map[string]string{"name": "type check ('string') failed - got JSON::PP::Boolean"}},
		{base(map[string]any{"name": []any{"a", "b"}}), map[string]string{"name": "type check ('string') failed - got ARRAY"}},
		{base(map[string]any{"full": "true"}), map[string]string{"full": "type check ('boolean') failed - got 'true'"}},
		{base(map[string]any{"newid": nil}), map[string]string{"newid": "property is missing and it is not optional"}},
	}
	for _, tt := range tests {
		if got := clone.ValidateAny(tt.params); !maps.Equal(got, tt.want) {
			t.Errorf("ValidateAny(%v) = %q, want %q", tt.params, got, tt.want)
		}
	}
}

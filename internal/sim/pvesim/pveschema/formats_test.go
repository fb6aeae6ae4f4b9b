package pveschema

import "testing"

// TestVerifiers checks each verifier on values Proxmox accepts and rejects;
// rejections carry the Perl verifier's die message.
func TestVerifiers(t *testing.T) {
	tests := []struct {
		format, value, want string
	}{
		{"pve-vmid", "100", ""},
		{"pve-vmid", "999999999", ""},
		{"pve-vmid", "100\n", ""}, // Perl's $ allows a final newline
		{"pve-vmid", "099", "value does not look like a valid VM ID\n"},
		{"pve-vmid", "1000000000", "value does not look like a valid VM ID\n"},
		{"pve-node", "pve-1", ""},
		{"pve-node", "pve-", "value does not look like a valid node name\n"},
		{"pve-storage-id", "local-lvm", ""},
		{"pve-storage-id", "x", "storage ID 'x' cannot be shorter than 2 characters\n"},
		{"pve-storage-id", "1local", "storage ID '1local' contains illegal characters\n"},
		{"pve-configid", "baseline_1", ""},
		{"pve-configid", "b", "invalid configuration ID 'b'\n"},
		{"pve-poolid", "labs/2024/q1", ""},
		{"pve-poolid", "labs/", "pool name 'labs/' contains invalid characters\n"},
		{"pve-poolid", "a/b/c/d", "pool name 'a/b/c/d' nested too deeply (max levels = 3)\n"},
		{"pve-poolid", "lab pool", "pool name 'lab pool' contains invalid characters\n"},
		{"dns-name", "lab-1.example.com", ""},
		{"dns-name", "-lab", "value does not look like a valid DNS name\n"},
		{"mac-addr", "bc:24:11:00:00:01", ""},
		{"mac-addr", "BD:24:11:00:00:01", "value does not look like a valid unicast MAC address\n"},
		{"pve-bridge-id", "vmbr0.20", ""},
		{"pve-bridge-id", "vmbr 0", "invalid bridge ID 'vmbr 0'\n"},
		{"pve-tag", "vm-7f3a", ""},
		{"pve-tag", "-tag", "invalid characters in tag\n"},
		{"pve-startup-order", "order=1,up=30,down=60", ""},
		{"pve-startup-order", "3", ""},
		{"pve-startup-order", "0", "unable to parse startup options\n"},
		{"pve-volume-id", "local-lvm:vm-100-disk-0", ""},
		{"pve-volume-id", "vm-100-disk-0", "unable to parse volume ID 'vm-100-disk-0'\n"},
		{"pve-volume-id-or-qm-path", "none", ""},
		{"pve-volume-id-or-qm-path", "/dev/sdb", ""},
		{"pve-volume-id-or-qm-path", "disk.raw", "unable to parse volume ID 'disk.raw'\n"},
		{"pve-hotplug-features", "0", ""},
		{"pve-hotplug-features", "network;disk, usb", ""},
		{"pve-hotplug-features", "network,floppy", "invalid hotplug feature 'floppy'\n"},
		{"urlencoded", "a%20b", ""},
		{"urlencoded", "a b", "invalid urlencoded string: a b\n"},
		{"ipv4", "10.0.0.1", ""},
		{"ipv4", "10.0.0.01", "value does not look like a valid IPv4 address\n"},
		{"ipv6", "fe80::1", ""},
		{"ipv6", "::ffff:10.0.0.1", ""},
		{"ipv6", "fe80::1::2", "value does not look like a valid IPv6 address\n"},
		{"ip", "2001:db8::1", ""},
		{"CIDR", "10.0.0.0/8", ""},
		{"CIDR", "2001:db8::/64", ""},
		{"CIDR", "10.0.0.0/7", "value does not look like a valid CIDR network\n"},
		{"CIDRv4", "10.0.0.0/33", "value does not look like a valid IPv4 CIDR network\n"},
		{"pve-ipv4-config", "dhcp", ""},
		{"pve-ipv4-config", "192.168.1.10/24", ""},
		{"pve-ipv4-config", "auto", "value does not look like a valid ipv4 network configuration\n"},
		{"pve-ipv6-config", "auto", ""},
		{"ipv4mask", "255.255.255.0", ""},
		{"ipv4mask", "255.0.255.0", "value does not look like a valid IP netmask\n"},
		{"address", "pve1.example.com", ""},
		{"address", "pve_1", "value does not look like a valid address: pve_1\n"},
		{"pve-lxc-mp-string", "local-lvm:8", ""},
		{"pve-lxc-mp-string", "/mnt/../etc", "/mnt/../etc contains illegal character sequences\n"},
		{"pve-lxc-mp-string", "/mnt/.", "/mnt/. contains illegal character sequences\n"},
		{"pve-lxc-mp-string", "../x", "../x contains illegal character sequences\n"},
		{"disk-size", "8G", ""},
		{"disk-size", "1.5TiB", ""},
		{"disk-size", "8GB", "value does not look like a valid disk size: 8GB\n"},
		{"pve-iface", "vmbr0", ""},
		{"pve-iface", "0eth", "invalid network interface name '0eth'\n"},
		{"pve-vlan-id-or-range", "10-20", ""},
		{"pve-vlan-id-or-range", "1", "invalid VLAN tag '1'\n"},
		{"pve-vlan-id-or-range", "20-10", "VLAN range must go from lower to higher tag '20-10'\n"},
		{"pve-userid", "root@pam", ""},
		{"pve-userid", "ab", "user name 'ab' is too short\n"},
		{"pve-userid", "root", "value 'root' does not look like a valid user name\n"},
		{"pve-tokenid", "labforge@pve!automation", ""},
		{"pve-realm", "pve", ""},
		{"pve-realm", "p", "value does not look like a valid realm\n"},
		{"email", "alice@example.com", ""},
		{"email-or-username", "root", ""},
		{"pve-qm-bootdisk", "scsi0", ""},
		{"pve-qm-bootdisk", "scsi31", "invalid boot disk 'scsi31'\n"},
		{"storage-pair", "local:local-lvm", ""},
		{"storage-pair", "1", ""},
		{"storage-pair", "local:l", "entry 'local:l' contains invalid ID - storage ID 'l' cannot be shorter than 2 characters\n\n\n"},
		{"lxc-ip-with-ll-iface", "fe80::1%eth0", ""},
		{"lxc-ip-with-ll-iface", "10.0.0.1", ""},
		{"pve-storage-content", "images", ""},
		{"pve-storage-content", "disks", "invalid content type 'disks'\n"},
	}
	for _, tt := range tests {
		fc, ok := codeFormat(tt.format)
		if !ok {
			t.Errorf("no verifier for %s", tt.format)
			continue
		}
		if got := fc.check(tt.value, "x"); got != tt.want {
			t.Errorf("%s %q = %q, want %q", tt.format, tt.value, got, tt.want)
		}
	}
}

func TestListAndOptFormats(t *testing.T) {
	tests := []struct {
		format, value, want string
	}{
		{"pve-tag-list", "labforge;vm-7f3a", ""},
		{"pve-tag-list", "labforge, vm-7f3a  ct", ""},
		{"pve-tag-list", "", ""}, // empty lists are allowed
		{"pve-tag-list", "ok;-bad", "invalid characters in tag\n"},
		{"pve-configid-list", "net1,unused0", ""},
		{"pve-configid-list", "net1,0bad", "invalid configuration ID '0bad'\n"},
		{"pve-vmid-list", "100\x00101", ""},
		{"email-opt", "", ""},
		{"email-opt", "0", ""},
		{"email-opt", "x", "value does not look like a valid email address\n"},
	}
	for _, tt := range tests {
		fc, ok := codeFormat(tt.format)
		if !ok {
			t.Fatalf("no verifier for %s", tt.format)
		}
		if got := fc.check(tt.value, "x"); got != tt.want {
			t.Errorf("%s %q = %q, want %q", tt.format, tt.value, got, tt.want)
		}
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"1": true, "ON": true, "Yes": true, "true": true, "0": false, "off": false, "NO": false, "False": false} {
		if got, ok := ParseBool(in); !ok || got != want {
			t.Errorf("ParseBool(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := ParseBool("maybe"); ok {
		t.Error(`ParseBool("maybe") ok`)
	}
}

func TestNumbers(t *testing.T) {
	for s, want := range map[string]bool{"1": true, "+1": true, "-1": true, "1\n": true, "1.": false, "a": false, "": false, " 1": false} {
		if got := isInteger(s); got != want {
			t.Errorf("isInteger(%q) = %v", s, got)
		}
	}
	for s, want := range map[string]bool{"1.5": true, "1.": true, ".5": true, "1e3": true, "-2.5E-3": true, ".": false, "e3": false, "1e": false, "0x10": false} {
		if got := isNumber(s); got != want {
			t.Errorf("isNumber(%q) = %v", s, got)
		}
	}
}

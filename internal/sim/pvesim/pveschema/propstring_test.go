package pveschema

import (
	"maps"
	"testing"
)

func TestParsePropertyString(t *testing.T) {
	s := loadSchema(t)
	qemuNet, _ := mustLookup(t, s, "PUT", "/nodes/{node}/qemu/{vmid}/config").Param("net0")
	lxcNet, _ := mustLookup(t, s, "POST", "/nodes/{node}/lxc").Param("net7")
	if qemuNet == nil || lxcNet == nil || qemuNet.PropertyString == nil || lxcNet.PropertyString == nil {
		t.Fatal("net[n] has no property-string schema")
	}
	if got := qemuNet.PropertyString.DefaultKey(); got != "model" {
		t.Errorf("qemu net default key = %q, want model", got)
	}
	tests := []struct {
		ps      *PropertyString
		in      string
		want    map[string]string
		wantErr string
	}{
		{qemuNet.PropertyString, "virtio=BC:24:11:00:00:01,bridge=vmbr0",
			map[string]string{"model": "virtio", "macaddr": "BC:24:11:00:00:01", "bridge": "vmbr0"}, ""},
		{qemuNet.PropertyString, "e1000,bridge=vmbr1,firewall=on,link_down=No",
			map[string]string{"model": "e1000", "bridge": "vmbr1", "firewall": "1", "link_down": "0"}, ""},
		{qemuNet.PropertyString, " virtio , bridge=vmbr0,,",
			nil, "invalid key in comma-separated list property:  bridge"},
		{qemuNet.PropertyString, "virtio,e1000", nil, "duplicate key in comma-separated list property: model"},
		{lxcNet.PropertyString, "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:03,ip=dhcp",
			map[string]string{"name": "eth0", "bridge": "vmbr0", "hwaddr": "BC:24:11:00:00:03", "ip": "dhcp"}, ""},
		{lxcNet.PropertyString, "eth0", nil, "value without key, but schema does not define a default key"},
	}
	for _, tt := range tests {
		got, err := tt.ps.Parse(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !maps.Equal(got, tt.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestIndexedParams(t *testing.T) {
	s := loadSchema(t)
	cfg := mustLookup(t, s, "PUT", "/nodes/{node}/qemu/{vmid}/config")
	ct := mustLookup(t, s, "PUT", "/nodes/{node}/lxc/{vmid}/config")
	for _, tt := range []struct {
		m    *Method
		name string
		ok   bool
	}{
		{cfg, "net0", true}, {cfg, "net31", true}, {cfg, "net32", false}, {cfg, "net01", false},
		{cfg, "scsi30", true}, {cfg, "scsi31", false}, {cfg, "ide3", true}, {cfg, "ide4", false},
		{cfg, "unused255", true}, {cfg, "usb13", true}, {cfg, "virtiofs9", true}, {cfg, "virtio15", true},
		{cfg, "efidisk0", true}, {cfg, "efidisk1", false}, {cfg, "net", false},
		{ct, "mp255", true}, {ct, "mp256", false}, {ct, "net31", true}, {ct, "dev0", true},
	} {
		p, ok := tt.m.Param(tt.name)
		if ok != tt.ok {
			t.Errorf("%s Param(%q) ok = %v, want %v", tt.m.Path, tt.name, ok, tt.ok)
		}
		if ok && p == nil {
			t.Errorf("%s Param(%q) returned nil", tt.m.Path, tt.name)
		}
	}
}

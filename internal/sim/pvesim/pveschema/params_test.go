package pveschema

import (
	"maps"
	"testing"
)

func TestParseGivesTypedParams(t *testing.T) {
	s := loadSchema(t)
	m := mustLookup(t, s, "POST", "/nodes/{node}/lxc")
	p, errs := m.Parse(map[string]string{
		"node": "pve1", "vmid": "200", "ostemplate": "local:vztmpl/debian-12.tar.zst",
		"unprivileged": "1", "cpulimit": "1.5",
		"net0": "name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:03,ip=dhcp,firewall=yes",
	})
	if errs != nil {
		t.Fatalf("Parse: %q", errs)
	}
	if n, ok := p.Int("vmid"); !ok || n != 200 {
		t.Errorf("Int(vmid) = %d, %v", n, ok)
	}
	if b, ok := p.Bool("unprivileged"); !ok || !b {
		t.Errorf("Bool(unprivileged) = %v, %v", b, ok)
	}
	if f, ok := p.Float("cpulimit"); !ok || f != 1.5 {
		t.Errorf("Float(cpulimit) = %v, %v", f, ok)
	}
	want := map[string]string{"name": "eth0", "bridge": "vmbr0", "hwaddr": "BC:24:11:00:00:03", "ip": "dhcp", "firewall": "1"}
	if got, ok := p.PropertyString("net0"); !ok || !maps.Equal(got, want) {
		t.Errorf("PropertyString(net0) = %v, %v; want %v", got, ok, want)
	}
	if p.Has("start") {
		t.Error("Has(start) for an absent parameter")
	}
	if _, errs := m.Parse(map[string]string{"node": "pve1", "vmid": "x"}); errs == nil {
		t.Error("Parse accepted an invalid request")
	}
}

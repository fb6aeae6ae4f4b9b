package pveschema

import (
	"testing"
)

func BenchmarkValidateClone(b *testing.B) {
	s := loadSchema(b)
	m := mustLookup(b, s, "POST", "/nodes/{node}/qemu/{vmid}/clone")
	params := map[string]string{
		"node": "pve1", "vmid": "9000", "newid": "101", "full": "1", "name": "lab-7f3a-vm1",
		"target": "pve2", "storage": "local-lvm", "pool": "labforge",
	}
	b.ReportAllocs()
	for b.Loop() {
		if errs := m.Validate(params); errs != nil {
			b.Fatal(errs)
		}
	}
}

func BenchmarkValidateConfigNet0(b *testing.B) {
	s := loadSchema(b)
	m := mustLookup(b, s, "PUT", "/nodes/{node}/qemu/{vmid}/config")
	params := map[string]string{
		"node": "pve1", "vmid": "101", "name": "lab-7f3a-vm1", "cores": "2", "memory": "4096",
		"tags": "labforge;vm-7f3a", "net0": "virtio=BC:24:11:00:00:01,bridge=vmbr0",
	}
	b.ReportAllocs()
	for b.Loop() {
		if errs := m.Validate(params); errs != nil {
			b.Fatal(errs)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	s := loadSchema(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, ok := s.Match("GET", "/nodes/pve1/tasks/"+testUPID+"/status"); !ok {
			b.Fatal("no match")
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	p, err := DefaultPath()
	if err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(p); err != nil {
			b.Fatal(err)
		}
	}
}

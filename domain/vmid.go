package domain

// VMIDRange is the inclusive range of Proxmox VMIDs Labforge may allocate.
type VMIDRange struct {
	First int
	Last  int
}

// Validate checks the range against Proxmox's limits (100 .. 999999999).
func (r VMIDRange) Validate(field string) error {
	var v Validator
	v.Check(r.First >= 100 && r.Last <= 999999999 && r.First <= r.Last, field, "must be FIRST-LAST within 100-999999999, FIRST not above LAST")
	return v.Err()
}

// VMIDOwnerForeign is the owner type of a VMID a guest outside Labforge
// was found holding (see VMStore.MarkVMIDForeign).
const VMIDOwnerForeign = "foreign"

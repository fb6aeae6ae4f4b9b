package pveschema

import (
	"regexp"
	"strconv"
	"strings"
)

// indexedProp is an indexed parameter such as net[n]: the schema file
// collapses net0, net1, ... into one entry (RESTHandler::api_clone_schema),
// while the live API defines each index as its own parameter.
type indexedProp struct {
	prefix string
	count  int // indices 0..count-1 exist; 0 means unknown (any index)
	prop   *Property
}

// indexCounts are the number of indices the live API defines, from the
// constants that generate them: qemu-server ($MAX_NETS, $MAX_SERIAL_PORTS,
// $MAX_PARALLEL_PORTS in PVE::QemuServer; $MAX_IDE_DISKS, $MAX_SCSI_DISKS,
// $MAX_VIRTIO_DISKS, $MAX_SATA_DISKS, $MAX_UNUSED_DISKS in Drive.pm;
// $MAX_NUMA, $MAX_HOSTPCI_DEVICES, $MAX_USB_DEVICES, $MAX_VIRTIOFS) and
// pve-container ($MAX_LXC_NETWORKS, $MAX_MOUNT_POINTS, $MAX_UNUSED_DISKS,
// $MAX_DEVICES in PVE::LXC::Config). QEMU and LXC agree where both have a
// prefix. The schema text states some of these ("n is 0 to 30") but not all,
// and its usb range ("0 to 4") is older than the code's.
var indexCounts = map[string]int{
	"net": 32, "ipconfig": 32, "serial": 4, "parallel": 3,
	"ide": 4, "scsi": 31, "virtio": 16, "sata": 6, "unused": 256,
	"numa": 8, "hostpci": 16, "usb": 14, "virtiofs": 10,
	"mp": 256, "dev": 256,
}

// reIndexRange finds a range in a description, e.g. "(n is 0 to 30)".
var reIndexRange = regexp.MustCompile(`n is 0 to (\d+)`)

// newIndexedProp returns the indexed form of a "name[n]" property. Prefixes
// that neither indexCounts nor the description bound accept any index.
func newIndexedProp(name string, p *Property) (indexedProp, bool) {
	prefix, ok := strings.CutSuffix(name, "[n]")
	if !ok || prefix == "" {
		return indexedProp{}, false
	}
	ip := indexedProp{prefix: prefix, prop: p, count: indexCounts[prefix]}
	if ip.count == 0 {
		if m := reIndexRange.FindStringSubmatch(p.Description); m != nil {
			last, _ := strconv.Atoi(m[1])
			ip.count = last + 1
		}
	}
	return ip, true
}

// matches reports whether key is prefix followed by a defined index, in
// canonical decimal form ("net0", "net31"; not "net01").
func (ip *indexedProp) matches(key string) bool {
	digits, ok := strings.CutPrefix(key, ip.prefix)
	if !ok || digits == "" || !allDigits(digits) || (len(digits) > 1 && digits[0] == '0') {
		return false
	}
	if ip.count == 0 {
		return true
	}
	n, err := strconv.Atoi(digits)
	return err == nil && n < ip.count
}

package pveschema

import (
	"regexp"
	"strconv"
	"strings"
)

// Guest formats from pve-common's PVE::JSONSchema (startup order, disk
// size), qemu-server's PVE::QemuServer and PVE::QemuServer::Drive, and
// pve-container's PVE::LXC::Config.

var (
	reStartupOrder = anchored(`(order=)?(\d+)`)
	reStartupUp    = anchored(`up=(\d+)`)
	reStartupDown  = anchored(`down=(\d+)`)
	reBlank        = anchored(`\s*`)
	reDiskSize     = anchored(`(\d+(\.\d+)?)([KMGT](?:iB)?)?`)
	reHotplug      = anchored(`network|disk|cpu|memory|usb|cloudinit`)
	reMPDotDir     = regexp.MustCompile(`/\.\.?/`)
	reMPDotEnd     = regexp.MustCompile(`/\.\.?` + perlEnd)
	reMPParentLead = regexp.MustCompile(`^\.\./`)
)

// qemuDriveNames are qemu-server's valid_drive_names: the drives
// verify_bootdisk accepts (MAX_IDE_DISKS 4, MAX_SCSI_DISKS 31,
// MAX_VIRTIO_DISKS 16, MAX_SATA_DISKS 6, efidisk0, tpmstate0).
var qemuDriveNames = func() map[string]bool {
	m := map[string]bool{"efidisk0": true, "tpmstate0": true}
	for _, d := range []struct {
		name string
		max  int
	}{{"ide", 4}, {"scsi", 31}, {"virtio", 16}, {"sata", 6}} {
		for i := 0; i < d.max; i++ {
			m[d.name+strconv.Itoa(i)] = true
		}
	}
	return m
}()

// verifyStartupOrder mirrors pve_parse_startup_order: comma-separated
// [order=]N, up=N and down=N; an empty or "0" value does not parse.
func verifyStartupOrder(v string) string {
	const msg = "unable to parse startup options\n"
	if !perlTrue(v) {
		return msg
	}
	for _, p := range strings.Split(v, ",") {
		if reBlank.MatchString(p) || reStartupOrder.MatchString(p) ||
			reStartupUp.MatchString(p) || reStartupDown.MatchString(p) {
			continue
		}
		return msg
	}
	return ""
}

func verifyDiskSize(v string) string {
	if !reDiskSize.MatchString(v) {
		return "value does not look like a valid disk size: " + v + "\n"
	}
	return ""
}

// verifyHotplugFeatures mirrors parse_hotplug_features, whose die escapes
// pve_verify_hotplug_features: "0", "1" or a list of known features.
func verifyHotplugFeatures(v string) string {
	if v == "0" || v == "1" {
		return ""
	}
	var msg string
	eachListItem(v, func(f string) bool {
		if !reHotplug.MatchString(f) {
			msg = "invalid hotplug feature '" + f + "'\n"
		}
		return msg == ""
	})
	return msg
}

func verifyBootDisk(v string) string {
	if !qemuDriveNames[v] {
		return "invalid boot disk '" + v + "'\n"
	}
	return ""
}

func verifyVolumeIDOrAbsolutePath(v string) string {
	if strings.HasPrefix(v, "/") {
		return ""
	}
	return verifyVolumeID(v)
}

func verifyVolumeIDOrQMPath(v string) string {
	if v == "none" || v == "cdrom" {
		return ""
	}
	return verifyVolumeIDOrAbsolutePath(v)
}

// verifyLXCMountPointString rejects "/./" and "/../" anywhere, "/." or
// "/.." at the end and "../" at the start, as verify_lxc_mp_string does.
func verifyLXCMountPointString(v string) string {
	if reMPDotDir.MatchString(v) || reMPDotEnd.MatchString(v) || reMPParentLead.MatchString(v) {
		return v + " contains illegal character sequences\n"
	}
	return ""
}

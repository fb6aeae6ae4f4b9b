package pvesim

// linkedCloneSupported is volume_has_feature($storecfg, 'clone', ...) of
// pve-storage for a volume of the storage type typ: a linked clone of a
// template's base volume works on LVM-thin, RBD and ZFS, and on file
// storages (dir, NFS, CIFS, GlusterFS) for VMs, whose clone is a qcow2
// overlay (containers ask for raw or subvol targets, which those storages
// cannot link); a linked clone of a snapshot (fromSnapshot) only on
// LVM-thin and RBD, whatever the volume. A clone of a plain volume's
// current state is never linked.
func linkedCloneSupported(kind, typ string, base, fromSnapshot bool) bool {
	if fromSnapshot {
		return snapshotCloneTypes[typ]
	}
	if !base {
		return false
	}
	if blockCloneTypes[typ] {
		return true
	}
	return kind == kindQEMU && fileCloneTypes[typ]
}

// blockCloneTypes link base volumes natively (LvmThinPlugin, RBDPlugin,
// ZFSPoolPlugin, ZFSPlugin: clone => { base => 1, ... }).
var blockCloneTypes = map[string]bool{"lvmthin": true, "rbd": true, "zfspool": true, "zfs": true}

// fileCloneTypes are PVE::Storage::Plugin storages: clone => { base =>
// { qcow2, raw, vmdk } }, a qcow2 backed by the base image.
var fileCloneTypes = map[string]bool{"dir": true, "nfs": true, "cifs": true, "glusterfs": true}

// snapshotCloneTypes link snapshots (clone => { snap => 1 }).
var snapshotCloneTypes = map[string]bool{"lvmthin": true, "rbd": true}

package domain

// GuestState is Labforge's view of a VM or container's lifecycle.
type GuestState string

// Guest lifecycle states.
const (
	GuestPending      GuestState = "pending"
	GuestProvisioning GuestState = "provisioning"
	GuestReady        GuestState = "ready"
	GuestFailed       GuestState = "failed"
	GuestDeleting     GuestState = "deleting"
	GuestDeleted      GuestState = "deleted"
	// GuestMissing is a container Proxmox no longer has although Labforge
	// never deleted it (VMs show this as drift instead).
	GuestMissing GuestState = "missing"
)

// PowerState is the last observed Proxmox power state.
type PowerState string

// Power states as Proxmox reports them.
const (
	PowerUnknown PowerState = "unknown"
	PowerRunning PowerState = "running"
	PowerStopped PowerState = "stopped"
	PowerPaused  PowerState = "paused"
)

// GuestKind distinguishes QEMU virtual machines from LXC containers.
type GuestKind string

// Guest kinds.
const (
	GuestQEMU GuestKind = "qemu"
	GuestLXC  GuestKind = "lxc"
)

package workflows

import (
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/labforge/labforge/activities"
	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/temporalx"
)

// The container workflow types. All run on the core queue.
var (
	CreateContainerType = Type{Name: "CreateContainer", Queue: activities.QueueCore}
	UpdateContainerType = Type{Name: "UpdateContainer", Queue: activities.QueueCore}
	ContainerActionType = Type{Name: "ContainerAction", Queue: activities.QueueCore}
	DeleteContainerType = Type{Name: "DeleteContainer", Queue: activities.QueueCore}
)

// CreateContainerWorkflowID is the workflow ID of a container's creation:
// ct/<container-id>/create.
func CreateContainerWorkflowID(id uuid.UUID) string { return "ct/" + id.String() + "/create" }

// ContainerOpWorkflowID is the workflow ID of a container's update or
// power action: ct/<container-id>/op. One ID per container, so a second
// operation while one runs conflicts.
func ContainerOpWorkflowID(id uuid.UUID) string { return "ct/" + id.String() + "/op" }

// DeleteContainerWorkflowID is the workflow ID of a container's deletion:
// ct/<container-id>/delete.
func DeleteContainerWorkflowID(id uuid.UUID) string { return "ct/" + id.String() + "/delete" }

// ContainerStartOptions are the options the API starts a container
// workflow of type t with: StartOptions and the LabforgeContainerId and
// LabforgeSite search attributes.
func ContainerStartOptions(t Type, workflowID string, id uuid.UUID, site string) client.StartWorkflowOptions {
	o := t.StartOptions(workflowID)
	o.TypedSearchAttributes = temporal.NewSearchAttributes(
		temporalx.KeyContainerID.ValueSet(id.String()), temporalx.KeySite.ValueSet(site))
	return o
}

// CreateContainerInput asks for a container record (state pending, its
// services stored) to be made real: allocated, created in Proxmox, given
// its DNS entry, started at its reserved address and published through
// its site's gateway.
type CreateContainerInput struct {
	OperationID uuid.UUID `json:"operation_id"`
	Container   uuid.UUID `json:"container"`
}

// CreateContainerResult is where the container landed.
type CreateContainerResult struct {
	Node  string            `json:"node"`
	VMID  int               `json:"vmid"`
	IPv4  string            `json:"ipv4"`
	MAC   string            `json:"mac"`
	Power domain.PowerState `json:"power"`
}

// ContainerResources are resource changes; nil fields stay as they are.
// Cores, memory and swap apply to a running container at once; a larger
// disk is grown in place (a disk never shrinks).
type ContainerResources struct {
	Cores    *int `json:"cores,omitempty"`
	MemoryMB *int `json:"memory_mb,omitempty"`
	SwapMB   *int `json:"swap_mb,omitempty"`
	DiskGB   *int `json:"disk_gb,omitempty"`
}

// UpdateContainerInput applies a change to a ready container: its
// resources (recorded once Proxmox has them) and, when ServicesChanged,
// its services, which the API has already stored with their external
// ports, through the site's gateway.
type UpdateContainerInput struct {
	OperationID     uuid.UUID          `json:"operation_id"`
	Container       uuid.UUID          `json:"container"`
	Resources       ContainerResources `json:"resources"`
	ServicesChanged bool               `json:"services_changed"`
}

// ContainerActionKind is a power action on a container.
type ContainerActionKind string

// Container power actions.
const (
	ContainerStart   ContainerActionKind = "start"
	ContainerStop    ContainerActionKind = "stop"
	ContainerRestart ContainerActionKind = "restart"
)

// ContainerActionInput asks for a power action on a ready container.
type ContainerActionInput struct {
	OperationID uuid.UUID           `json:"operation_id"`
	Container   uuid.UUID           `json:"container"`
	Action      ContainerActionKind `json:"action"`
}

// DeleteContainerInput asks for a container's full teardown: ingress and
// DNS entry removed, the guest stopped and destroyed with purge, its
// address, MAC, VMID and ports released, and the record marked deleted.
type DeleteContainerInput struct {
	OperationID uuid.UUID `json:"operation_id"`
	Container   uuid.UUID `json:"container"`
}

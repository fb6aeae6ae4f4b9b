package domain

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Container is a self-service LXC container on a site network, with a
// reserved address and an internal DNS name.
type Container struct {
	ID       uuid.UUID  `json:"id"`
	Hostname string     `json:"hostname"`
	OwnerID  uuid.UUID  `json:"owner_id"`
	SiteID   uuid.UUID  `json:"site_id"`
	NodeID   *uuid.UUID `json:"node_id,omitempty"`
	Cluster  string     `json:"cluster"`
	VMID     *int       `json:"vmid,omitempty"`
	// Source is what the root file system is made from: a Proxmox CT
	// template volume or an OCI image reference (see ParseContainerSource).
	Source    string            `json:"source"`
	Cores     int               `json:"cores"`
	MemoryMB  int               `json:"memory_mb"`
	SwapMB    int               `json:"swap_mb"`
	DiskGB    int               `json:"disk_gb"`
	Env       map[string]string `json:"env"`
	SSHKeys   []string          `json:"ssh_keys"`
	IPv4      *netip.Addr       `json:"ipv4,omitempty"`
	MAC       string            `json:"mac,omitempty"`
	State     GuestState        `json:"state"`
	Power     PowerState        `json:"power_state"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// The resources of a new container whose request names none.
const (
	DefaultContainerCores    = 1
	DefaultContainerMemoryMB = 512
	DefaultContainerSwapMB   = 512
	DefaultContainerDiskGB   = 8
)

// Validate checks the container's requested shape.
func (c *Container) Validate() error {
	var v Validator
	v.Check(ValidHostname(c.Hostname), "hostname", "must be a DNS label: lower-case letters, digits and inner hyphens, at most 63 characters")
	v.Check(c.OwnerID != uuid.Nil, "owner_id", "must name a user")
	v.Check(c.SiteID != uuid.Nil, "site_id", "must name a site")
	_, err := ParseContainerSource(c.Source)
	v.Check(err == nil, "source", sourceMessage)
	v.Check(c.Cores >= 1 && c.Cores <= 64, "cores", "must be between 1 and 64")
	v.Check(c.MemoryMB >= 64 && c.MemoryMB <= 1<<18, "memory_mb", "must be between 64 and 262144")
	v.Check(c.SwapMB >= 0 && c.SwapMB <= 1<<18, "swap_mb", "must be between 0 and 262144")
	checkEnv(&v, c.Env)
	checkSSHKeys(&v, c.SSHKeys)
	v.Check(c.DiskGB >= 1 && c.DiskGB <= 4096, "disk_gb", "must be between 1 and 4096")
	if c.MAC != "" {
		_, err := net.ParseMAC(c.MAC)
		v.Check(err == nil, "mac", "must be a MAC address such as BC:24:11:00:00:01")
	}
	return v.Err()
}

// ServiceProtocol is how a container service is exposed.
type ServiceProtocol string

// Service protocols: HTTP goes through an NGINX server block routed by
// host name, TCP and UDP through an NGINX stream server on an external port.
const (
	ServiceHTTP ServiceProtocol = "http"
	ServiceTCP  ServiceProtocol = "tcp"
	ServiceUDP  ServiceProtocol = "udp"
)

// Service is one port of a container exposed through the site's gateway.
type Service struct {
	ID               uuid.UUID       `json:"id"`
	ContainerID      uuid.UUID       `json:"container_id"`
	SiteID           uuid.UUID       `json:"site_id"`
	Protocol         ServiceProtocol `json:"protocol"`
	InternalPort     int             `json:"internal_port"`
	ExternalPort     *int            `json:"external_port,omitempty"`
	ExternalHostname string          `json:"external_hostname,omitempty"`
	// Backend is the scheme NGINX speaks to an HTTP service: http or https.
	Backend string `json:"backend,omitempty"`
	// AuthRequired is reserved: sign-in in front of an HTTP service.
	AuthRequired bool      `json:"auth_required"`
	CreatedAt    time.Time `json:"created_at"`
}

// HTTP service backends.
const (
	BackendHTTP  = "http"
	BackendHTTPS = "https"
)

// Validate checks the service's ports and host name.
func (s *Service) Validate() error {
	var v Validator
	v.Check(s.Protocol == ServiceHTTP || s.Protocol == ServiceTCP || s.Protocol == ServiceUDP, "protocol", "must be one of http, tcp, udp")
	v.Check(s.InternalPort >= 1 && s.InternalPort <= 65535, "internal_port", "must be between 1 and 65535")
	if s.ExternalPort != nil {
		v.Check(*s.ExternalPort >= 1 && *s.ExternalPort <= 65535, "external_port", "must be between 1 and 65535")
	}
	if s.Protocol == ServiceHTTP {
		v.Check(validDomain(s.ExternalHostname), "external_hostname", "must be a DNS name such as app.lab.example.org")
		v.Check(s.Backend == "" || s.Backend == BackendHTTP || s.Backend == BackendHTTPS, "backend", "must be http or https")
	} else {
		v.Check(s.ExternalHostname == "", "external_hostname", "is for http services only")
		v.Check(s.Backend == "", "backend", "is for http services only")
		v.Check(!s.AuthRequired, "auth_required", "is for http services only")
	}
	return v.Err()
}

// ValidateServices checks a container's whole list of services: each one
// (naming its fields services[i].field), at most 64 of them, and no host
// name or protocol and external port asked for twice.
func ValidateServices(services []Service) error {
	var v Validator
	v.Check(len(services) <= 64, "services", "must hold at most 64 services")
	seen := map[string]int{}
	for i := range services {
		s := &services[i]
		field := "services[" + strconv.Itoa(i) + "]."
		if err := s.Validate(); err != nil {
			for f, msg := range FieldsOf(err) {
				v.Check(false, field+f, msg)
			}
			continue
		}
		once := func(key, name string) {
			if j, dup := seen[key]; dup {
				v.Check(false, field+name, "is used by services["+strconv.Itoa(j)+"] too")
			}
			seen[key] = i
		}
		if s.Protocol == ServiceHTTP {
			once("host "+strings.ToLower(s.ExternalHostname), "external_hostname")
		}
		if s.ExternalPort != nil {
			once("port "+string(s.Protocol)+"/"+strconv.Itoa(*s.ExternalPort), "external_port")
		}
	}
	return v.Err()
}

// IPAllocation is an address of a site reserved for one container together
// with the MAC its lease is bound to.
type IPAllocation struct {
	SiteID      uuid.UUID  `json:"site_id"`
	IP          netip.Addr `json:"ip"`
	MAC         string     `json:"mac"`
	ContainerID uuid.UUID  `json:"container_id"`
	AllocatedAt time.Time  `json:"allocated_at"`
}

// ContainerFilter narrows ListContainers. Zero fields match everything.
type ContainerFilter struct {
	OwnerID *uuid.UUID
	// VisibleTo keeps the containers the user owns or holds a permission
	// on (collaborators), directly or through a group.
	VisibleTo *uuid.UUID
	SiteID    *uuid.UUID
	State     GuestState
	// Status keeps the containers that Container.Status shows so.
	Status ContainerStatus
	Page   Page
}

// ServiceFilter narrows ListServices. Zero fields match everything.
type ServiceFilter struct {
	ContainerID *uuid.UUID
	SiteID      *uuid.UUID
	Page        Page
}

// ContainerAllocation is what a placed container holds: its node, cluster,
// VMID, address and MAC (set on Container, in state provisioning or
// later) and its services, each TCP/UDP one with its external port.
type ContainerAllocation struct {
	Container Container `json:"container"`
	Node      Node      `json:"node"`
	Services  []Service `json:"services"`
}

// ContainerStore keeps self-service containers and what they hold.
type ContainerStore interface {
	// CreateContainer stores c, assigning ID (unless set) and timestamps;
	// empty states become pending and unknown, address and MAC are left to
	// AllocateContainer. It returns KindInvalid for invalid fields or
	// unknown references and KindConflict when the hostname is taken in
	// the site.
	CreateContainer(ctx context.Context, c *Container) error
	// CreateContainerWithOwner stores c as CreateContainer does, with its
	// services (checked and given ports as ReplaceContainerServices does)
	// and its owner's keys (OwnerKeys), in one transaction: a container
	// never exists without its services or its owner's rights. It returns
	// the stored services, and CreateContainer's and
	// ReplaceContainerServices' errors.
	CreateContainerWithOwner(ctx context.Context, c *Container, services []Service) ([]Service, error)
	// FindContainer returns the container, with its address if reserved,
	// or KindNotFound.
	FindContainer(ctx context.Context, id uuid.UUID) (*Container, error)
	// FindContainerByHostname returns the site's live (not deleted)
	// container with that hostname, or KindNotFound.
	FindContainerByHostname(ctx context.Context, siteID uuid.UUID, hostname string) (*Container, error)
	// ListContainers returns containers oldest first, and the cursor of
	// the next page ("" at the end).
	ListContainers(ctx context.Context, f ContainerFilter) ([]Container, string, error)
	// UpdateContainer stores every field of c but its ID, site, address
	// and CreatedAt. It returns KindNotFound, KindInvalid or KindConflict
	// (hostname taken).
	UpdateContainer(ctx context.Context, c *Container) error
	// DeleteContainer deletes the container record with its services,
	// address, VMID and the permissions granted on it. It returns
	// KindNotFound.
	DeleteContainer(ctx context.Context, id uuid.UUID) error
	// AllocateContainer places the container (PlaceContainer) and reserves,
	// all at once, a VMID from vmids in its node's cluster, the lowest free
	// address of its site's DHCP range with a MAC, and an external port of
	// the site's pool for each TCP/UDP service that has none; it stores
	// them with state provisioning (a ready container stays ready).
	// Allocations of one site run one at a time. A container already
	// allocated gets the same allocation back and nothing new is reserved.
	// It returns KindNotFound for an unknown container, KindInvalid for a
	// bad range, KindConflict for a container being deleted or naming what
	// is full (IP range, VMID range, port pool), and KindUnavailable
	// wrapping ErrNoCapacity when no node of the site has room. On any
	// error nothing is reserved.
	AllocateContainer(ctx context.Context, id uuid.UUID, vmids VMIDRange) (*ContainerAllocation, error)
	// ReleaseContainerAllocation frees the container's address and MAC,
	// VMID and external ports and clears its node and VMID, leaving its
	// state to the caller. Call it only once the guest is confirmed gone.
	// Releasing again is a no-op. It returns KindNotFound for an unknown
	// container.
	ReleaseContainerAllocation(ctx context.Context, id uuid.UUID) error
	// ReplaceContainerServices makes services the container's services,
	// in one transaction under the site's allocation lock: a service equal
	// to a current one (protocol, internal port, host name) keeps its ID
	// and external port, new TCP/UDP ones get a port of the site's pool
	// when the container holds an allocation, the rest are deleted. An
	// HTTP host name must lie under one of the site's external domains
	// (KindInvalid naming services[i].external_hostname). A host name or
	// port taken by another container is KindConflict naming the field.
	// It returns the stored services.
	ReplaceContainerServices(ctx context.Context, id uuid.UUID, services []Service) ([]Service, error)
	// ListContainerServices returns the container's services oldest first.
	ListContainerServices(ctx context.Context, id uuid.UUID) ([]Service, error)
	// ServicesOf returns the services of each of the containers, oldest
	// first, in one query (a container without services has no entry).
	ServicesOf(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]Service, error)
	// AddCollaborator grants user the CollaboratorKeys on the container
	// (idempotent). KindNotFound for an unknown container, KindInvalid for
	// an unknown user or the owner.
	AddCollaborator(ctx context.Context, id, userID uuid.UUID) error
	// RemoveCollaborator revokes every key user holds on the container.
	// KindNotFound when the user is no collaborator.
	RemoveCollaborator(ctx context.Context, id, userID uuid.UUID) error
	// ListCollaborators returns the users, other than the owner, holding
	// keys on the container, by username.
	ListCollaborators(ctx context.Context, id uuid.UUID) ([]Collaborator, error)
}

// ContainerStatus is what the API shows of a container's lifecycle and
// power together.
type ContainerStatus string

// Container statuses.
const (
	ContainerCreating ContainerStatus = "creating"
	ContainerRunning  ContainerStatus = "running"
	ContainerStopped  ContainerStatus = "stopped"
	ContainerFailed   ContainerStatus = "failed"
	ContainerMissing  ContainerStatus = "missing"
	ContainerDeleting ContainerStatus = "deleting"
	ContainerDeleted  ContainerStatus = "deleted"
)

// Status maps the stored state and power to the container's status: a
// ready container is running or stopped (a paused or unknown one is
// shown stopped until observed running).
func (c *Container) Status() ContainerStatus {
	switch c.State {
	case GuestPending, GuestProvisioning:
		return ContainerCreating
	case GuestReady:
		if c.Power == PowerRunning {
			return ContainerRunning
		}
		return ContainerStopped
	case GuestMissing:
		return ContainerMissing
	case GuestDeleting:
		return ContainerDeleting
	case GuestDeleted:
		return ContainerDeleted
	}
	return ContainerFailed
}

// CollaboratorKeys are the keys a container's collaborator holds: they
// may see it, change its services and resources and start, stop and
// restart it, but not delete it or change who collaborates (both need
// full, which its owner holds).
var CollaboratorKeys = []Key{KeyUpdate, KeyContainerStart, KeyContainerStop, KeyContainerRestart}

// Collaborator is a user who may operate someone else's container.
type Collaborator struct {
	UserID   uuid.UUID `json:"user_id"`
	Username string    `json:"username"`
	AddedAt  time.Time `json:"added_at"`
}

package api

import (
	"context"
	"net/netip"
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// ContainerView is what the API shows of a container: its status, where
// it runs, how it is reached inside the site and its services with their
// public addresses. Fields not known yet (address, node, VMID) are null.
type ContainerView struct {
	ID        uuid.UUID              `json:"id"`
	Hostname  string                 `json:"hostname"`
	OwnerID   uuid.UUID              `json:"owner_id"`
	SiteID    uuid.UUID              `json:"site_id"`
	Status    domain.ContainerStatus `json:"status"`
	IPv4      *netip.Addr            `json:"ipv4"`
	MAC       *string                `json:"mac"`
	DNSName   string                 `json:"dns_name"`
	Node      *string                `json:"node"`
	VMID      *int                   `json:"vmid"`
	Source    string                 `json:"source"`
	Resources ResourcesView          `json:"resources"`
	Env       map[string]string      `json:"env"`
	SSHKeys   []string               `json:"ssh_keys"`
	Services  []ServiceView          `json:"services"`
	CreatedAt time.Time              `json:"created_at"`
	UpdatedAt time.Time              `json:"updated_at"`
}

// ResourcesView is a container's recorded resources.
type ResourcesView struct {
	Cores    int `json:"cores"`
	MemoryMB int `json:"memory_mb"`
	SwapMB   int `json:"swap_mb"`
	DiskGB   int `json:"disk_gb"`
}

// ServiceView is a container service and where the public reaches it:
// https://<external_hostname>/ for HTTP, <site external IP>:<external
// port> for TCP and UDP (null until the port is allocated).
type ServiceView struct {
	ID               uuid.UUID              `json:"id"`
	Protocol         domain.ServiceProtocol `json:"protocol"`
	InternalPort     int                    `json:"internal_port"`
	ExternalPort     *int                   `json:"external_port"`
	ExternalHostname string                 `json:"external_hostname,omitempty"`
	Backend          string                 `json:"backend,omitempty"`
	AuthRequired     bool                   `json:"auth_required"`
	PublicAddress    *string                `json:"public_address"`
}

// containerViews builds ContainerViews, looking each site and node up once.
type containerViews struct {
	s     *Server
	ctx   context.Context
	sites map[uuid.UUID]*domain.Site
	nodes map[uuid.UUID]*string
	// services are the preloaded services by container (preload); nil
	// reads each container's own.
	services map[uuid.UUID][]domain.Service
}

func (s *Server) containerViews(ctx context.Context) *containerViews {
	return &containerViews{s: s, ctx: ctx, sites: map[uuid.UUID]*domain.Site{}, nodes: map[uuid.UUID]*string{}}
}

// preload reads the services of every container of a page in one query.
func (v *containerViews) preload(cts []domain.Container) error {
	ids := make([]uuid.UUID, len(cts))
	for i := range cts {
		ids[i] = cts[i].ID
	}
	services, err := v.s.containers.ServicesOf(v.ctx, ids)
	if err != nil {
		return err
	}
	v.services = services
	return nil
}

func (v *containerViews) site(id uuid.UUID) (*domain.Site, error) {
	if site, ok := v.sites[id]; ok {
		return site, nil
	}
	site, err := v.s.sites.FindSite(v.ctx, id)
	if err != nil {
		return nil, err
	}
	v.sites[id] = site
	return site, nil
}

// nodeName returns the name of the node, or nil for none or one since
// removed.
func (v *containerViews) nodeName(id *uuid.UUID) (*string, error) {
	if id == nil {
		return nil, nil
	}
	if name, ok := v.nodes[*id]; ok {
		return name, nil
	}
	n, err := v.s.nodes.FindNode(v.ctx, *id)
	if err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return nil, err
	}
	var name *string
	if n != nil {
		name = &n.Name
	}
	v.nodes[*id] = name
	return name, nil
}

// view shows ct with its services.
func (v *containerViews) view(ct *domain.Container) (ContainerView, error) {
	site, err := v.site(ct.SiteID)
	if err != nil {
		return ContainerView{}, err
	}
	node, err := v.nodeName(ct.NodeID)
	if err != nil {
		return ContainerView{}, err
	}
	services, ok := v.services[ct.ID]
	if !ok && v.services == nil {
		if services, err = v.s.containers.ListContainerServices(v.ctx, ct.ID); err != nil {
			return ContainerView{}, err
		}
	}
	out := ContainerView{
		ID: ct.ID, Hostname: ct.Hostname, OwnerID: ct.OwnerID, SiteID: ct.SiteID, Status: ct.Status(),
		IPv4: ct.IPv4, DNSName: ct.Hostname + "." + site.InternalDomain, Node: node, VMID: ct.VMID, Source: ct.Source,
		Resources: ResourcesView{Cores: ct.Cores, MemoryMB: ct.MemoryMB, SwapMB: ct.SwapMB, DiskGB: ct.DiskGB},
		Env:       ct.Env, SSHKeys: ct.SSHKeys, Services: serviceViews(services, site),
		CreatedAt: ct.CreatedAt, UpdatedAt: ct.UpdatedAt,
	}
	if ct.MAC != "" {
		out.MAC = &ct.MAC
	}
	if out.Env == nil {
		out.Env = map[string]string{}
	}
	if out.SSHKeys == nil {
		out.SSHKeys = []string{}
	}
	return out, nil
}

func serviceViews(services []domain.Service, site *domain.Site) []ServiceView {
	out := make([]ServiceView, 0, len(services))
	for _, svc := range services {
		sv := ServiceView{ID: svc.ID, Protocol: svc.Protocol, InternalPort: svc.InternalPort, ExternalPort: svc.ExternalPort,
			ExternalHostname: svc.ExternalHostname, Backend: svc.Backend, AuthRequired: svc.AuthRequired}
		switch {
		case svc.Protocol == domain.ServiceHTTP:
			addr := "https://" + svc.ExternalHostname + "/"
			sv.PublicAddress = &addr
		case svc.ExternalPort != nil:
			addr := netip.AddrPortFrom(site.ExternalIP, uint16(*svc.ExternalPort)).String()
			sv.PublicAddress = &addr
		}
		out = append(out, sv)
	}
	return out
}

// servicesOf turns the services a request names into domain services and
// validates them (domain.ValidateServices); the store checks the rest.
func servicesOf(reqs []ServiceRequest) ([]domain.Service, error) {
	out := make([]domain.Service, len(reqs))
	for i, r := range reqs {
		out[i] = domain.Service{Protocol: domain.ServiceProtocol(r.Protocol), InternalPort: r.InternalPort,
			ExternalPort: r.ExternalPort, ExternalHostname: r.ExternalHostname, Backend: r.Backend, AuthRequired: r.AuthRequired}
	}
	return out, domain.ValidateServices(out)
}

// auditedContainer is ct as audit records keep it: environment variable
// values may be secrets (passwords, tokens), so only their names are kept.
func auditedContainer(ct *domain.Container) *domain.Container {
	if ct == nil {
		return nil
	}
	cp := *ct
	if len(ct.Env) > 0 {
		cp.Env = make(map[string]string, len(ct.Env))
		for k := range ct.Env {
			cp.Env[k] = "[redacted]"
		}
	}
	return &cp
}

package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/workflows"
)

// ServiceRequest is one service of a container: an HTTP service is
// published as https://<external_hostname>/ and proxied to internal_port
// over backend (http by default); a TCP or UDP one on an external port of
// the site's pool, the one it names or the lowest free one.
type ServiceRequest struct {
	Protocol         string `json:"protocol"`
	InternalPort     int    `json:"internal_port"`
	ExternalPort     *int   `json:"external_port"`
	ExternalHostname string `json:"external_hostname"`
	Backend          string `json:"backend"`
	AuthRequired     bool   `json:"auth_required"`
}

// CreateContainerRequest asks for a container. OwnerID defaults to the
// caller (only administrators name someone else), SiteID to the only
// site, absent resources to the domain.DefaultContainer* values.
type CreateContainerRequest struct {
	Hostname string `json:"hostname"`
	OwnerID  string `json:"owner_id"`
	SiteID   string `json:"site_id"`
	Source   string `json:"source"`
	workflows.ContainerResources
	Env      map[string]string `json:"env"`
	SSHKeys  []string          `json:"ssh_keys"`
	Services []ServiceRequest  `json:"services"`
}

var containerStatuses = []domain.ContainerStatus{
	domain.ContainerCreating, domain.ContainerRunning, domain.ContainerStopped, domain.ContainerFailed,
	domain.ContainerMissing, domain.ContainerDeleting, domain.ContainerDeleted,
}

// listContainers lists the containers the caller may see: every one with
// read on the type, else those they own or collaborate on.
func (s *Server) listContainers(c *gin.Context) {
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f := domain.ContainerFilter{Status: domain.ContainerStatus(c.Query("status")), Page: page}
	var v domain.Validator
	v.Check(f.Status == "" || slices.Contains(containerStatuses, f.Status), "status", "must be one of creating, running, stopped, failed, missing, deleting, deleted")
	f.SiteID = queryID(&v, c, "site", "must be a site id")
	f.OwnerID = queryID(&v, c, "owner", "must be a user id")
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	if s.authorize(c, domain.TypeRef(domain.ObjectContainer), domain.KeyRead) != nil {
		me := currentUser(c).ID
		f.VisibleTo = &me
	}
	ctx := c.Request.Context()
	cts, next, err := s.containers.ListContainers(ctx, f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	views := s.containerViews(ctx)
	if err := views.preload(cts); err != nil {
		abortWithError(c, err)
		return
	}
	out := make([]ContainerView, 0, len(cts))
	for i := range cts {
		view, err := views.view(&cts[i])
		if err != nil {
			abortWithError(c, err)
			return
		}
		out = append(out, view)
	}
	c.JSON(http.StatusOK, newList(out, next))
}

func (s *Server) getContainer(c *gin.Context) {
	ct, err := s.loadContainer(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	view, err := s.containerViews(c.Request.Context()).view(ct)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

// createContainer stores the container (state pending) with its services
// and its owner's keys, then starts CreateContainer.
func (s *Server) createContainer(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectContainer), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req CreateContainerRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	ct, services, err := s.newContainer(c, &req)
	if err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		stored, err := s.containers.CreateContainerWithOwner(ctx, ct, services)
		if err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"container.create", domain.ObjectContainer, ct.ID.String(), nil,
			map[string]any{"container": auditedContainer(ct), "services": stored}}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	op, err := s.startContainerOperation(c, ct, containerOp{
		kind: "container.create", workflowID: workflows.CreateContainerWorkflowID(ct.ID), workflow: workflows.CreateContainerType,
		input: func(opID uuid.UUID) any { return workflows.CreateContainerInput{OperationID: opID, Container: ct.ID} },
	})
	if err != nil {
		// Without a workflow the record would stay pending for ever.
		before := *ct
		ct.State = domain.GuestFailed
		_ = s.auditedIn(context.WithoutCancel(ctx), c, func(ctx context.Context) (auditEntry, error) {
			if err := s.containers.UpdateContainer(ctx, ct); err != nil {
				return auditEntry{}, err
			}
			return auditEntry{"container.update", domain.ObjectContainer, ct.ID.String(), auditedContainer(&before), auditedContainer(ct)}, nil
		})
		abortWithError(c, err)
		return
	}
	acceptOperation(c, op)
}

// newContainer validates req and builds the container and services it
// asks for, filling in the defaults.
func (s *Server) newContainer(c *gin.Context, req *CreateContainerRequest) (*domain.Container, []domain.Service, error) {
	var v domain.Validator
	me := currentUser(c).ID
	ct := &domain.Container{Hostname: req.Hostname, OwnerID: me, Source: req.Source, Env: req.Env, SSHKeys: req.SSHKeys,
		Cores: orDefault(req.Cores, domain.DefaultContainerCores), MemoryMB: orDefault(req.MemoryMB, domain.DefaultContainerMemoryMB),
		SwapMB: orDefault(req.SwapMB, domain.DefaultContainerSwapMB), DiskGB: orDefault(req.DiskGB, domain.DefaultContainerDiskGB),
		State: domain.GuestPending, Power: domain.PowerUnknown}
	if req.OwnerID != "" {
		id, err := uuid.Parse(req.OwnerID)
		v.Check(err == nil, "owner_id", "must be a user id")
		ct.OwnerID = id
	}
	if ct.OwnerID != me && ct.OwnerID != uuid.Nil {
		if s.authorize(c, domain.TypeRef(domain.ObjectContainer), domain.KeyFull) != nil {
			return nil, nil, domain.Errorf(domain.KindForbidden, "only administrators may create a container for someone else")
		}
		_, err := s.users.FindUserByID(c.Request.Context(), ct.OwnerID)
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return nil, nil, err
		}
		v.Check(err == nil, "owner_id", "must name an existing user")
	}
	site, siteErr := s.containerSite(c, req.SiteID)
	if site != nil {
		ct.SiteID = site.ID
	}
	services, servicesErr := servicesOf(req.Services)
	if err := mergeErrors(ct.Validate(), siteErr, servicesErr, v.Err()); err != nil {
		return nil, nil, err
	}
	return ct, services, nil
}

// orDefault is *p, or def when p is nil.
func orDefault(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// containerSite is the site a new container asks for: the one raw names
// or, when raw is empty, the only one there is.
func (s *Server) containerSite(c *gin.Context, raw string) (*domain.Site, error) {
	ctx := c.Request.Context()
	if raw != "" {
		id, err := s.existingSite(c, raw)
		if err != nil {
			return nil, err
		}
		return s.sites.FindSite(ctx, *id)
	}
	sites, _, err := s.sites.ListSites(ctx, domain.Page{Limit: 2})
	switch {
	case err != nil:
		return nil, err
	case len(sites) == 1:
		return &sites[0], nil
	case len(sites) == 0:
		return nil, fieldError("site_id", "no site exists yet; an administrator must register one first")
	}
	return nil, fieldError("site_id", "is required when there is more than one site")
}

// loadContainer finds the :id container after checking the caller may do
// need to it.
func (s *Server) loadContainer(c *gin.Context, need domain.Key) (*domain.Container, error) {
	return loadObject(s, c, domain.ObjectContainer, need, s.containers.FindContainer)
}

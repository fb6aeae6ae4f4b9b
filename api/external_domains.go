package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// ExternalDomainRequest registers an external domain (POST) or changes the
// fields it names (PATCH). site_id must name an existing site.
type ExternalDomainRequest struct {
	Name     *string `json:"name"`
	CertPath *string `json:"cert_path"`
	KeyPath  *string `json:"key_path"`
	SiteID   *string `json:"site_id"`
}

// applyExternalDomainRequest copies the fields req names into d, checks
// that its site exists and validates the result.
func (s *Server) applyExternalDomainRequest(c *gin.Context, d *domain.ExternalDomain, req *ExternalDomainRequest) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&d.Name, req.Name)
	set(&d.CertPath, req.CertPath)
	set(&d.KeyPath, req.KeyPath)
	var siteErr error
	if req.SiteID != nil {
		var id *uuid.UUID
		id, siteErr = s.existingSite(c, *req.SiteID)
		if id != nil {
			d.SiteID = *id
		}
	}
	return mergeErrors(d.Validate(), siteErr)
}

// existingSite parses raw as the id of an existing site. It returns
// KindInvalid naming site_id when raw is not one.
func (s *Server) existingSite(c *gin.Context, raw string) (*uuid.UUID, error) {
	id, err := uuid.Parse(raw)
	if err != nil {
		return nil, fieldError("site_id", "must be a site id")
	}
	if _, err := s.sites.FindSite(c.Request.Context(), id); err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			return nil, fieldError("site_id", "must name an existing site")
		}
		return nil, err
	}
	return &id, nil
}

// fieldError is a KindInvalid error about one field.
func fieldError(field, message string) error {
	return &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields",
		Fields: map[string]string{field: message}}
}

func (s *Server) listExternalDomains(c *gin.Context) {
	page, err := s.listPage(c, domain.ObjectExternalDomain)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f := domain.ExternalDomainFilter{Page: page}
	if raw := c.Query("site"); raw != "" {
		id, err := uuid.Parse(raw)
		if err != nil {
			abortWithError(c, fieldError("site", "must be a site id"))
			return
		}
		f.SiteID = &id
	}
	domains, next, err := s.externalDomains.ListExternalDomains(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(domains, next))
}

func (s *Server) createExternalDomain(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectExternalDomain), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req ExternalDomainRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	d := &domain.ExternalDomain{}
	if err := s.applyExternalDomainRequest(c, d, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.externalDomains.CreateExternalDomain(ctx, d); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"external_domain.create", domain.ObjectExternalDomain, d.ID.String(), nil, d}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Location", "/api/v1/external-domains/"+d.ID.String())
	c.JSON(http.StatusCreated, d)
}

func (s *Server) getExternalDomain(c *gin.Context) {
	d, err := s.loadExternalDomain(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

func (s *Server) updateExternalDomain(c *gin.Context) {
	d, err := s.loadExternalDomain(c, domain.KeyUpdate)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req ExternalDomainRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	before := *d
	if err := s.applyExternalDomainRequest(c, d, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.externalDomains.UpdateExternalDomain(ctx, d); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"external_domain.update", domain.ObjectExternalDomain, d.ID.String(), &before, d}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

func (s *Server) deleteExternalDomain(c *gin.Context) {
	d, err := s.loadExternalDomain(c, domain.KeyDelete)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.externalDomains.DeleteExternalDomain(ctx, d.ID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"external_domain.delete", domain.ObjectExternalDomain, d.ID.String(), d, nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// loadExternalDomain finds the :id external domain after checking the
// caller may do need to it.
func (s *Server) loadExternalDomain(c *gin.Context, need domain.Key) (*domain.ExternalDomain, error) {
	return loadObject(s, c, domain.ObjectExternalDomain, need, s.externalDomains.FindExternalDomain)
}

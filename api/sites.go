package api

import (
	"context"
	"net/http"
	"net/netip"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// SiteRequest registers a site (POST) or changes the fields it names
// (PATCH). Addresses are strings so that a malformed one is reported
// against its field. Absent port bounds of a new site take the default
// pool, 2000-2999.
type SiteRequest struct {
	Name              *string   `json:"name"`
	CIDR              *string   `json:"cidr"`
	GatewayIP         *string   `json:"gateway_ip"`
	DHCPStart         *string   `json:"dhcp_start"`
	DHCPEnd           *string   `json:"dhcp_end"`
	InternalDomain    *string   `json:"internal_domain"`
	DNSForwarders     *[]string `json:"dns_forwarders"`
	ExternalIP        *string   `json:"external_ip"`
	ExternalPortFirst *int      `json:"external_port_first"`
	ExternalPortLast  *int      `json:"external_port_last"`
}

// applySiteRequest copies the fields req names into site and validates the
// result; a field that does not parse is reported as such.
func applySiteRequest(site *domain.Site, req *SiteRequest) error {
	var v domain.Validator
	if req.Name != nil {
		site.Name = *req.Name
	}
	if req.InternalDomain != nil {
		site.InternalDomain = *req.InternalDomain
	}
	if req.CIDR != nil {
		p, err := netip.ParsePrefix(*req.CIDR)
		v.Check(err == nil, "cidr", "must be an IPv4 network such as 10.20.0.0/24")
		site.CIDR = p
	}
	addr := func(dst *netip.Addr, raw *string, field string) {
		if raw == nil {
			return
		}
		a, err := netip.ParseAddr(*raw)
		v.Check(err == nil, field, "must be an IPv4 address such as 10.20.0.1")
		*dst = a
	}
	addr(&site.Gateway, req.GatewayIP, "gateway_ip")
	addr(&site.DHCPStart, req.DHCPStart, "dhcp_start")
	addr(&site.DHCPEnd, req.DHCPEnd, "dhcp_end")
	addr(&site.ExternalIP, req.ExternalIP, "external_ip")
	if req.DNSForwarders != nil {
		site.DNSForwarders = make([]netip.Addr, 0, len(*req.DNSForwarders))
		for _, raw := range *req.DNSForwarders {
			a, err := netip.ParseAddr(raw)
			v.Check(err == nil, "dns_forwarders", "must be IP addresses")
			site.DNSForwarders = append(site.DNSForwarders, a)
		}
	}
	if req.ExternalPortFirst != nil {
		site.ExternalPortFirst = *req.ExternalPortFirst
	}
	if req.ExternalPortLast != nil {
		site.ExternalPortLast = *req.ExternalPortLast
	}
	return mergeErrors(site.Validate(), v.Err())
}

func (s *Server) listSites(c *gin.Context) {
	page, err := s.listPage(c, domain.ObjectSite)
	if err != nil {
		abortWithError(c, err)
		return
	}
	sites, next, err := s.sites.ListSites(c.Request.Context(), page)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(sites, next))
}

func (s *Server) createSite(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectSite), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req SiteRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	site := &domain.Site{
		DNSForwarders:     []netip.Addr{},
		ExternalPortFirst: domain.DefaultExternalPortFirst,
		ExternalPortLast:  domain.DefaultExternalPortLast,
	}
	if err := applySiteRequest(site, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.sites.CreateSite(ctx, site); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"site.create", domain.ObjectSite, site.ID.String(), nil, site}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Location", "/api/v1/sites/"+site.ID.String())
	c.JSON(http.StatusCreated, site)
}

func (s *Server) getSite(c *gin.Context) {
	site, err := loadObject(s, c, domain.ObjectSite, domain.KeyRead, s.sites.FindSite)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, site)
}

func (s *Server) updateSite(c *gin.Context) {
	site, err := loadObject(s, c, domain.ObjectSite, domain.KeyUpdate, s.sites.FindSite)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req SiteRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	before := *site
	if err := applySiteRequest(site, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.sites.UpdateSite(ctx, site); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"site.update", domain.ObjectSite, site.ID.String(), &before, site}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, site)
}

func (s *Server) deleteSite(c *gin.Context) {
	site, err := loadObject(s, c, domain.ObjectSite, domain.KeyDelete, s.sites.FindSite)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.sites.DeleteSite(ctx, site.ID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"site.delete", domain.ObjectSite, site.ID.String(), site, nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

func (s *Server) listTemplates(c *gin.Context) {
	page, err := s.listPage(c, domain.ObjectTemplate)
	if err != nil {
		abortWithError(c, err)
		return
	}
	f := domain.TemplateFilter{Cluster: c.Query("cluster"), Kind: domain.GuestKind(c.Query("kind")), Page: page}
	var v domain.Validator
	v.Check(f.Kind == "" || f.Kind == domain.GuestQEMU || f.Kind == domain.GuestLXC, "kind", "must be qemu or lxc")
	if raw := c.Query("node"); raw != "" {
		id, err := uuid.Parse(raw)
		v.Check(err == nil, "node", "must be a node id")
		f.NodeID = &id
	}
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	templates, next, err := s.templates.ListTemplates(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(templates, next))
}

func (s *Server) getTemplate(c *gin.Context) {
	t, err := loadObject(s, c, domain.ObjectTemplate, domain.KeyRead, s.templates.FindTemplate)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// listEnvironments lists every environment to whoever may read them all
// (administrators), and otherwise those the caller owns or was granted.
func (s *Server) listEnvironments(c *gin.Context) {
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	f := domain.EnvironmentFilter{Page: page, OwnerID: queryID(&v, c, "owner", "must be a user id")}
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	if s.authorize(c, domain.TypeRef(domain.ObjectEnvironment), domain.KeyRead) != nil {
		me := currentUser(c).ID
		f.VisibleTo = &me
	}
	envs, next, err := s.environments.ListEnvironments(c.Request.Context(), f)
	if err != nil {
		abortWithError(c, err)
		return
	}
	views := make([]EnvironmentView, len(envs))
	for i := range envs {
		views[i] = environmentView(&envs[i])
	}
	c.JSON(http.StatusOK, newList(views, next))
}

// createEnvironment stores a new environment owned by the caller.
func (s *Server) createEnvironment(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectEnvironment), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req EnvironmentRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	e := &domain.Environment{OwnerID: currentUser(c).ID}
	if err := s.envBuilder().apply(ctx, e, &req); err != nil {
		abortWithError(c, err)
		return
	}
	var view EnvironmentView
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.environments.CreateEnvironment(ctx, e); err != nil {
			return auditEntry{}, err
		}
		view = environmentView(e)
		return auditEntry{"environment.create", domain.ObjectEnvironment, e.ID.String(), nil, view}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Location", "/api/v1/environments/"+e.ID.String())
	c.JSON(http.StatusCreated, view)
}

func (s *Server) getEnvironment(c *gin.Context) {
	e, err := loadObject(s, c, domain.ObjectEnvironment, domain.KeyRead, s.environments.FindEnvironment)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, environmentView(e))
}

// updateEnvironment changes the environment. Events that have deployed
// keep the snapshot they took; planned ones will deploy the new version.
func (s *Server) updateEnvironment(c *gin.Context) {
	e, err := loadObject(s, c, domain.ObjectEnvironment, domain.KeyUpdate, s.environments.FindEnvironment)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req EnvironmentRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	ctx := c.Request.Context()
	before := environmentView(e)
	if err := s.envBuilder().apply(ctx, e, &req); err != nil {
		abortWithError(c, err)
		return
	}
	var view EnvironmentView
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.environments.UpdateEnvironment(ctx, e); err != nil {
			return auditEntry{}, err
		}
		view = environmentView(e)
		return auditEntry{"environment.update", domain.ObjectEnvironment, e.ID.String(), before, view}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

func (s *Server) deleteEnvironment(c *gin.Context) {
	e, err := loadObject(s, c, domain.ObjectEnvironment, domain.KeyDelete, s.environments.FindEnvironment)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.environments.DeleteEnvironment(ctx, e.ID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"environment.delete", domain.ObjectEnvironment, e.ID.String(), environmentView(e), nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// envBuilder checks templates and seals passwords for environment requests.
func (s *Server) envBuilder() environmentBuilder {
	return environmentBuilder{keys: s.secrets, templates: s.templates}
}

package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
)

// RoleGrant is one type-level permission of a role.
type RoleGrant struct {
	ObjectType string     `json:"object_type"`
	Key        domain.Key `json:"key"`
}

// RoleView is a role with its type-level permissions.
type RoleView struct {
	domain.Role
	Permissions []RoleGrant `json:"permissions"`
}

// RoleRequest creates a custom role.
type RoleRequest struct {
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Permissions []RoleGrant `json:"permissions"`
}

func roleView(r domain.Role, perms []domain.Permission) RoleView {
	v := RoleView{Role: r, Permissions: make([]RoleGrant, len(perms))}
	for i, p := range perms {
		v.Permissions[i] = RoleGrant{ObjectType: p.ObjectType, Key: p.Key}
	}
	return v
}

// listRoles shows every signed-in user the roles and what they allow.
func (s *Server) listRoles(c *gin.Context) {
	ctx := c.Request.Context()
	roles, err := s.permissions.ListRoles(ctx)
	var perms map[string][]domain.Permission
	if err == nil {
		perms, err = s.permissions.RolePermissions(ctx)
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	out := make([]RoleView, len(roles))
	for i, r := range roles {
		out[i] = roleView(r, perms[r.Name])
	}
	c.JSON(http.StatusOK, newList(out, ""))
}

// createRole stores a custom role (create on roles: administrators).
func (s *Server) createRole(c *gin.Context) {
	err := s.authorize(c, domain.TypeRef(domain.ObjectRole), domain.KeyCreate)
	var req RoleRequest
	if err == nil {
		err = bindJSON(c, &req)
	}
	perms := make([]domain.Permission, len(req.Permissions))
	if err == nil {
		var v domain.Validator
		v.Check(domain.ValidSlug(req.Name), "name", "must be lower-case letters, digits and inner hyphens")
		v.Check(len(req.Description) <= 2000, "description", "must be at most 2000 characters")
		for i, g := range req.Permissions {
			v.Check(domain.RoleGrantable(g.ObjectType, domain.KeyRead), fmt.Sprintf("permissions[%d].object_type", i),
				"must be an object type such as vm, event or * (every type)")
			v.Check(domain.ValidKey(g.Key), fmt.Sprintf("permissions[%d].key", i),
				"must be read, update, delete, full, create or an action key such as vm.start")
			perms[i] = domain.Permission{ObjectType: g.ObjectType, Key: g.Key}
		}
		err = v.Err()
	}
	r := domain.Role{Name: req.Name, Description: req.Description}
	if err == nil {
		err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
			if err := s.permissions.CreateRoleWithPermissions(ctx, &r, perms); err != nil {
				return auditEntry{}, err
			}
			return auditEntry{"role.create", domain.ObjectRole, r.Name, nil, roleView(r, perms)}, nil
		})
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	view := roleView(r, perms)
	c.JSON(http.StatusCreated, view)
}

// deleteRole deletes a custom role (delete on roles: administrators); its
// holders lose it.
func (s *Server) deleteRole(c *gin.Context) {
	name := c.Param("name")
	err := s.authorize(c, domain.TypeRef(domain.ObjectRole), domain.KeyDelete)
	if err == nil {
		err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
			return auditEntry{"role.delete", domain.ObjectRole, name, map[string]any{"name": name}, nil}, s.permissions.DeleteRole(ctx, name)
		})
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

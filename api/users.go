package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
)

// CreateUserRequest creates a local account.
type CreateUserRequest struct {
	Username    string   `json:"username"`
	Email       string   `json:"email"`
	DisplayName string   `json:"display_name"`
	Roles       []string `json:"roles"`
	Password    string   `json:"password"`
}

// UpdateUserRequest changes the fields it names; absent fields stay.
type UpdateUserRequest struct {
	Email       *string   `json:"email"`
	DisplayName *string   `json:"display_name"`
	Roles       *[]string `json:"roles"`
	Disabled    *bool     `json:"disabled"`
	Password    *string   `json:"password"`
}

func (s *Server) listUsers(c *gin.Context) {
	page, err := s.listPage(c, domain.ObjectUser)
	if err != nil {
		abortWithError(c, err)
		return
	}
	users, next, err := s.users.ListUsers(c.Request.Context(), page)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(users, next))
}

func (s *Server) createUser(c *gin.Context) {
	if err := s.authorize(c, domain.TypeRef(domain.ObjectUser), domain.KeyCreate); err != nil {
		abortWithError(c, err)
		return
	}
	var req CreateUserRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if req.Roles == nil {
		req.Roles = []string{domain.RoleParticipant}
	}
	u := &domain.User{Username: req.Username, Email: req.Email, DisplayName: req.DisplayName, Roles: req.Roles, Source: domain.AuthLocal}
	if err := mergeErrors(u.Validate(), domain.ValidatePassword("password", req.Password)); err != nil {
		abortWithError(c, err)
		return
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		abortWithError(c, err)
		return
	}
	u.PasswordHash = hash
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.users.CreateUser(ctx, u); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"user.create", domain.ObjectUser, u.ID.String(), nil, u}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Location", "/api/v1/users/"+u.ID.String())
	c.JSON(http.StatusCreated, u)
}

func (s *Server) getUser(c *gin.Context) {
	u, err := s.loadUser(c, domain.KeyRead)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) updateUser(c *gin.Context) {
	u, err := s.loadUser(c, domain.KeyUpdate)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var req UpdateUserRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	before := *u
	applyUserUpdate(u, &req)
	var pwErr error
	if req.Password != nil {
		pwErr = domain.ValidatePassword("password", *req.Password)
	}
	if err := mergeErrors(u.Validate(), pwErr); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.keepAnAdmin(c, &before, u); err != nil {
		abortWithError(c, err)
		return
	}
	if req.Password != nil {
		if u.PasswordHash, err = auth.HashPassword(*req.Password); err != nil {
			abortWithError(c, err)
			return
		}
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.users.UpdateUser(ctx, u); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"user.update", domain.ObjectUser, u.ID.String(), &before, u}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	if req.Password != nil {
		// Its own record, so that password changes can be found; the
		// password (and its hash) is never in the audit log.
		s.recordAudit(c, "user.password_change", domain.ObjectUser, u.ID.String(), nil, nil)
	}
	c.JSON(http.StatusOK, u)
}

func applyUserUpdate(u *domain.User, req *UpdateUserRequest) {
	if req.Email != nil {
		u.Email = *req.Email
	}
	if req.DisplayName != nil {
		u.DisplayName = *req.DisplayName
	}
	if req.Roles != nil {
		u.Roles = *req.Roles
	}
	if req.Disabled != nil {
		u.Disabled = *req.Disabled
	}
}

func (s *Server) deleteUser(c *gin.Context) {
	u, err := s.loadUser(c, domain.KeyDelete)
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.keepAnAdmin(c, u, nil); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.users.DeleteUser(ctx, u.ID); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"user.delete", domain.ObjectUser, u.ID.String(), u, nil}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// loadUser finds the :id user after checking the caller may do need to it.
func (s *Server) loadUser(c *gin.Context, need domain.Key) (*domain.User, error) {
	return loadObject(s, c, domain.ObjectUser, need, s.users.FindUserByID)
}

// keepAnAdmin refuses a change that would leave no enabled administrator
// (after is nil for a deletion).
func (s *Server) keepAnAdmin(c *gin.Context, before, after *domain.User) error {
	wasAdmin := before.HasRole(domain.RoleAdmin) && !before.Disabled
	staysAdmin := after != nil && after.HasRole(domain.RoleAdmin) && !after.Disabled
	if !wasAdmin || staysAdmin {
		return nil
	}
	n, err := s.users.CountUsersWithRole(c.Request.Context(), domain.RoleAdmin)
	if err != nil {
		return err
	}
	if n <= 1 {
		return domain.Conflictf("%s is the last enabled administrator; make someone else an admin first", before.Username)
	}
	return nil
}

// mergeErrors combines field errors from several validations into one.
func mergeErrors(errs ...error) error {
	merged := &domain.Error{Kind: domain.KindInvalid, Message: "the request has invalid fields", Fields: map[string]string{}}
	for _, err := range errs {
		if err == nil {
			continue
		}
		de, ok := err.(*domain.Error)
		if !ok || de.Kind != domain.KindInvalid {
			return err
		}
		for k, v := range de.Fields {
			merged.Fields[k] = v
		}
	}
	if len(merged.Fields) == 0 {
		return nil
	}
	return merged
}

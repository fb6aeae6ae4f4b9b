package api

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
	"github.com/labforge/labforge/internal/mail"
)

// CreateInvitationRequest invites an e-mail address to create a local
// account with the roles (participant when absent).
type CreateInvitationRequest struct {
	Email       string   `json:"email"`
	DisplayName string   `json:"display_name"`
	Roles       []string `json:"roles"`
}

// AcceptInvitationRequest creates the invited account.
type AcceptInvitationRequest struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
}

// createInvitation answers POST /invitations: the invitation is stored
// (its token only as a hash) and its link e-mailed. Administrators only.
func (s *Server) createInvitation(c *gin.Context) {
	if err := s.adminOnly(c, domain.KeyUpdate); err != nil {
		abortWithError(c, err)
		return
	}
	var req CreateInvitationRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	if req.Roles == nil {
		req.Roles = []string{domain.RoleParticipant}
	}
	me := currentUser(c)
	inv := &domain.Invitation{Email: req.Email, DisplayName: req.DisplayName, Roles: req.Roles, InvitedBy: &me.ID,
		ExpiresAt: time.Now().Add(domain.InvitationTTL).Truncate(time.Microsecond)}
	if err := inv.Validate(); err != nil {
		abortWithError(c, err)
		return
	}
	token, hash := auth.NewLinkToken()
	if err := s.accounts.CreateInvitation(c.Request.Context(), inv, hash); err != nil {
		abortWithError(c, err)
		return
	}
	name := inv.DisplayName
	if name == "" {
		name = inv.Email
	}
	data := mail.AccountInvitationData{Recipient: mail.Person{Name: name, Email: inv.Email}, InvitedBy: displayName(me),
		Roles: inv.Roles, URL: s.link("invitation", token), ExpiresAt: inv.ExpiresAt}
	if err := s.sendAccountEmail(c, inv.Email, mail.AccountInvitation, data); err != nil {
		abortWithError(c, err)
		return
	}
	s.recordAudit(c, "invitation.create", "invitation", inv.ID.String(), nil, inv)
	c.Header("Location", "/api/v1/invitations")
	c.JSON(http.StatusCreated, inv)
}

// listInvitations answers GET /invitations, newest first. Administrators only.
func (s *Server) listInvitations(c *gin.Context) {
	if err := s.adminOnly(c, domain.KeyRead); err != nil {
		abortWithError(c, err)
		return
	}
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	invs, next, err := s.accounts.ListInvitations(c.Request.Context(), page)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(invs, next))
}

// revokeInvitation answers DELETE /invitations/{id}: its link stops
// working. Administrators only.
func (s *Server) revokeInvitation(c *gin.Context) {
	if err := s.adminOnly(c, domain.KeyUpdate); err != nil {
		abortWithError(c, err)
		return
	}
	id, err := pathID(c, "invitation")
	if err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		inv, err := s.accounts.RevokeInvitation(ctx, id)
		if err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"invitation.revoke", "invitation", inv.ID.String(), nil, inv}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// acceptInvitation answers POST /invitations/{token}/accept, without
// signing in: it creates the local account with the invitation's e-mail
// address and roles. The route's parameter is named id because gin wants
// one name per path position; it holds the token.
func (s *Server) acceptInvitation(c *gin.Context) {
	var req AcceptInvitationRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	v.Check(domain.ValidUsername(req.Username), "username", "must be 2-63 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
	v.Check(req.DisplayName == "" || domain.ValidDisplayText(req.DisplayName, 200), "display_name", "must be at most 200 printable characters")
	if err := mergeErrors(v.Err(), domain.ValidatePassword("password", req.Password)); err != nil {
		abortWithError(c, err)
		return
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		abortWithError(c, err)
		return
	}
	u := &domain.User{Username: req.Username, DisplayName: req.DisplayName, PasswordHash: hash}
	// The new account is the actor of its own record.
	if err := s.outbox.Audited(c.Request.Context(), func(ctx context.Context) (*domain.AuditRecord, error) {
		inv, err := s.accounts.AcceptInvitation(ctx, auth.HashLinkToken(c.Param("id")), u)
		if err != nil {
			return nil, err
		}
		return &domain.AuditRecord{Action: "invitation.accept", ObjectType: domain.ObjectUser, ObjectID: u.ID.String(),
			ActorID: u.ID, ActorName: u.Username, After: domain.JSONObject(map[string]any{"invitation_id": inv.ID, "user": u}),
			RequestID: requestID(c), ClientIP: c.ClientIP()}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.Header("Location", "/api/v1/users/"+u.ID.String())
	c.JSON(http.StatusCreated, u)
}

// link is the console's page for an e-mailed link's token.
func (s *Server) link(page, token string) string {
	return s.publicURL + "/" + page + "?token=" + url.QueryEscape(token)
}

// displayName is how an e-mail names a user.
func displayName(u *domain.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}

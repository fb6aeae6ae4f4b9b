package api

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/auth"
)

// CreateAPIKeyRequest asks for an API key for the caller. ReadOnly keys
// may send GET and HEAD requests only; ExpiresAt (optional) ends the key.
type CreateAPIKeyRequest struct {
	Name      string     `json:"name"`
	ReadOnly  bool       `json:"read_only"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// CreatedAPIKey is a new API key with its secret, shown this once.
type CreatedAPIKey struct {
	domain.APIKey
	Key string `json:"key"`
}

// requestAPIKey returns the API key the request authenticated with, or nil
// for an access token.
func requestAPIKey(c *gin.Context) *domain.APIKey {
	if k, ok := c.Get(ctxAPIKey); ok {
		return k.(*domain.APIKey)
	}
	return nil
}

// createAPIKey makes a key for the caller and answers it once. A request
// made with an API key may not make another: a leaked key must not be
// able to outlive its revocation.
func (s *Server) createAPIKey(c *gin.Context) {
	if requestAPIKey(c) != nil {
		abortWithError(c, domain.Errorf(domain.KindForbidden, "API keys cannot create API keys; sign in with a password to create one"))
		return
	}
	var req CreateAPIKeyRequest
	if err := bindJSON(c, &req); err != nil {
		abortWithError(c, err)
		return
	}
	key, prefix, hash := auth.NewAPIKey()
	k := &domain.APIKey{OwnerID: currentUser(c).ID, Name: req.Name, Prefix: prefix, SecretHash: hash,
		ReadOnly: req.ReadOnly, ExpiresAt: req.ExpiresAt}
	if err := k.Validate(time.Now()); err != nil {
		abortWithError(c, err)
		return
	}
	if err := s.audited(c, func(ctx context.Context) (auditEntry, error) {
		if err := s.apiKeys.CreateAPIKey(ctx, k); err != nil {
			return auditEntry{}, err
		}
		return auditEntry{"api_key.create", domain.ObjectAPIKey, k.ID.String(), nil, k}, nil
	}); err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusCreated, CreatedAPIKey{APIKey: *k, Key: key})
}

// listAPIKeys lists the caller's keys, or with ?user= another user's keys
// for a caller who may update that user (administrators).
func (s *Server) listAPIKeys(c *gin.Context) {
	page, err := pageParams(c)
	if err != nil {
		abortWithError(c, err)
		return
	}
	var v domain.Validator
	owner := queryID(&v, c, "user", "must be a user id")
	if err := v.Err(); err != nil {
		abortWithError(c, err)
		return
	}
	me := currentUser(c).ID
	if owner == nil {
		owner = &me
	}
	if *owner != me && s.authorize(c, domain.Ref(domain.ObjectUser, *owner), domain.KeyUpdate) != nil {
		c.JSON(http.StatusOK, newList[domain.APIKey](nil, ""))
		return
	}
	keys, next, err := s.apiKeys.ListAPIKeys(c.Request.Context(), *owner, page)
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.JSON(http.StatusOK, newList(keys, next))
}

// revokeAPIKey revokes one of the caller's keys, or any user's key for a
// caller who may update that user.
func (s *Server) revokeAPIKey(c *gin.Context) {
	id, err := uuid.Parse(c.Param("id"))
	notFound := domain.NotFoundf("API key %s not found", c.Param("id"))
	if err != nil {
		abortWithError(c, notFound)
		return
	}
	ctx := c.Request.Context()
	k, err := s.apiKeys.FindAPIKey(ctx, id)
	if err == nil && k.RevokedAt != nil {
		err = notFound
	}
	if err == nil && k.OwnerID != currentUser(c).ID && s.authorize(c, domain.Ref(domain.ObjectUser, k.OwnerID), domain.KeyUpdate) != nil {
		err = notFound
	}
	if err == nil {
		err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
			revoked, err := s.apiKeys.RevokeAPIKey(ctx, id)
			if err != nil {
				return auditEntry{}, err
			}
			return auditEntry{"api_key.revoke", domain.ObjectAPIKey, revoked.ID.String(), revoked, nil}, nil
		})
	}
	if err != nil {
		abortWithError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

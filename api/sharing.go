package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// ShareRequest grants keys on an object to a user or a group.
type ShareRequest struct {
	UserID  string   `json:"user_id"`
	GroupID string   `json:"group_id"`
	Keys    []string `json:"keys"`
}

// Sharing: /{vms|containers|environments|events}/:id/permissions lists,
// grants and revokes the object's permissions. Those holding full on the
// object (its owner, administrators, whoever it was shared with full) may
// share every key. The owner of a VM holds only domain.OwnerKeys on it,
// and may share those only. One who may read the object but not share it
// gets 403, anyone else 404. The container collaborators API is a fixed
// set of these grants.

// sharingRoutes are the object types that can be shared, by path segment.
var sharingRoutes = map[string]string{
	"vms":          domain.ObjectVM,
	"containers":   domain.ObjectContainer,
	"environments": domain.ObjectEnvironment,
	"events":       domain.ObjectEvent,
}

// sharer says what the caller may share of an object.
type sharer struct {
	id uuid.UUID
	// ownerOnly: the caller owns the object without full on it, and may
	// share (and revoke) only the domain.OwnerKeys of its type.
	ownerOnly bool
}

// may reports whether the sharer may grant or revoke k on objects of objectType.
func (sh sharer) may(objectType string, k domain.Key) bool {
	return !sh.ownerOnly || slices.Contains(domain.OwnerKeys[objectType], k)
}

// ownerKeysError is the 403 of an owner sharing a key they may not.
func ownerKeysError(objectType string) error {
	keys := make([]string, len(domain.OwnerKeys[objectType]))
	for i, k := range domain.OwnerKeys[objectType] {
		keys[i] = string(k)
	}
	return domain.Errorf(domain.KindForbidden, "as the %s's owner you may share only %s", objectType, strings.Join(keys, ", "))
}

// sharedObject checks that the caller may share the :id object of
// objectType and that it exists.
func (s *Server) sharedObject(c *gin.Context, objectType string) (sharer, error) {
	var err error
	var id uuid.UUID
	ownerOnly := false
	switch objectType {
	case domain.ObjectVM:
		var vm *domain.VM
		vm, err = s.loadVM(c, domain.KeyFull)
		if domain.IsKind(err, domain.KindForbidden) {
			if vm, err = s.loadVM(c, domain.KeyRead); err == nil && vm.OwnerID != currentUser(c).ID {
				err = domain.Errorf(domain.KindForbidden, "you may not share vm %s", vm.ID)
			}
			ownerOnly = true
		}
		if err == nil {
			id = vm.ID
		}
	case domain.ObjectContainer:
		var ct *domain.Container
		if ct, err = s.loadContainer(c, domain.KeyFull); err == nil {
			id = ct.ID
		}
	case domain.ObjectEnvironment:
		var e *domain.Environment
		if e, err = loadObject(s, c, domain.ObjectEnvironment, domain.KeyFull, s.environments.FindEnvironment); err == nil {
			id = e.ID
		}
	case domain.ObjectEvent:
		var ev *domain.Event
		if ev, err = s.loadEvent(c, domain.KeyFull); err == nil {
			id = ev.ID
		}
	default:
		err = domain.Errorf(domain.KindInternal, "%s objects cannot be shared", objectType)
	}
	return sharer{id: id, ownerOnly: ownerOnly}, err
}

// grantee reads exactly one of a user id and a group id.
func grantee(userID, groupID string) (domain.Grantee, error) {
	var g domain.Grantee
	switch {
	case userID != "" && groupID != "":
		return g, fieldError("user_id", "give either user_id or group_id, not both")
	case userID != "":
		id, err := uuid.Parse(userID)
		if err != nil {
			return g, fieldError("user_id", "must be a user id")
		}
		g.UserID = &id
	case groupID != "":
		id, err := uuid.Parse(groupID)
		if err != nil {
			return g, fieldError("group_id", "must be a group id")
		}
		g.GroupID = &id
	default:
		return g, fieldError("user_id", "give either user_id or group_id")
	}
	return g, nil
}

// shareableMessage lists the keys objects of objectType may be shared with.
func shareableMessage(objectType string) string {
	keys := make([]string, len(domain.ShareableKeys[objectType]))
	for i, k := range domain.ShareableKeys[objectType] {
		keys[i] = string(k)
	}
	return fmt.Sprintf("must be one of %s for %s objects", strings.Join(keys, ", "), objectType)
}

func (s *Server) listObjectPermissions(objectType string) gin.HandlerFunc {
	return func(c *gin.Context) {
		sh, err := s.sharedObject(c, objectType)
		id := sh.id
		var page domain.Page
		if err == nil {
			page, err = pageParams(c)
		}
		var list []domain.Permission
		var next string
		if err == nil {
			list, next, err = s.permissions.ListPermissions(c.Request.Context(),
				domain.PermissionFilter{ObjectType: objectType, ObjectID: &id, Page: page})
		}
		if err != nil {
			abortWithError(c, err)
			return
		}
		c.JSON(http.StatusOK, newList(list, next))
	}
}

func (s *Server) shareObject(objectType string) gin.HandlerFunc {
	return func(c *gin.Context) {
		sh, err := s.sharedObject(c, objectType)
		id := sh.id
		var req ShareRequest
		if err == nil {
			err = bindJSON(c, &req)
		}
		var to domain.Grantee
		if err == nil {
			to, err = grantee(req.UserID, req.GroupID)
		}
		keys := make([]domain.Key, len(req.Keys))
		if err == nil {
			var v domain.Validator
			v.Check(len(req.Keys) > 0, "keys", "must list at least one key")
			for i, k := range req.Keys {
				keys[i] = domain.Key(k)
				v.Check(domain.Shareable(objectType, keys[i]), fmt.Sprintf("keys[%d]", i), shareableMessage(objectType))
			}
			err = v.Err()
		}
		for _, k := range keys {
			if err == nil && !sh.may(objectType, k) {
				err = ownerKeysError(objectType)
			}
		}
		var granted []domain.Permission
		if err == nil {
			err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
				var err error
				granted, err = s.permissions.ShareObject(ctx, objectType, id, to, keys)
				return auditEntry{"permission.grant", objectType, id.String(), nil,
					map[string]any{"user_id": to.UserID, "group_id": to.GroupID, "keys": keys}}, err
			})
		}
		if err != nil {
			abortWithError(c, err)
			return
		}
		c.JSON(http.StatusCreated, newList(granted, ""))
	}
}

func (s *Server) unshareObject(objectType string) gin.HandlerFunc {
	return func(c *gin.Context) {
		sh, err := s.sharedObject(c, objectType)
		id := sh.id
		var from domain.Grantee
		if err == nil {
			from, err = grantee(c.Query("user_id"), c.Query("group_id"))
		}
		key := domain.Key(c.Query("key"))
		if err == nil && key != "" && !domain.Shareable(objectType, key) {
			err = fieldError("key", shareableMessage(objectType))
		}
		if err == nil && sh.ownerOnly && from.UserID != nil && *from.UserID == currentUser(c).ID {
			err = fieldError("user_id", "is the "+objectType+"'s owner, whose keys go only with it")
		}
		if err == nil && key != "" && !sh.may(objectType, key) {
			err = ownerKeysError(objectType)
		}
		if err == nil {
			err = s.audited(c, func(ctx context.Context) (auditEntry, error) {
				keys, err := s.unshare(ctx, objectType, id, from, key, sh.ownerOnly && key == "")
				return auditEntry{"permission.revoke", objectType, id.String(),
					map[string]any{"user_id": from.UserID, "group_id": from.GroupID, "keys": keys}, nil}, err
			})
		}
		if err != nil {
			abortWithError(c, err)
			return
		}
		c.Status(http.StatusNoContent)
	}
}

// unshare revokes from's key on the object, or with ownerKeys every key
// an owner could have granted (domain.OwnerKeys), and returns the keys
// revoked. Revoking nothing is KindNotFound.
func (s *Server) unshare(ctx context.Context, objectType string, id uuid.UUID, from domain.Grantee, key domain.Key, ownerKeys bool) ([]domain.Key, error) {
	var gone []domain.Permission
	if !ownerKeys {
		var err error
		gone, err = s.permissions.UnshareObject(ctx, objectType, id, from, key)
		if err != nil {
			return nil, err
		}
	} else {
		// The owner revokes only what they could have granted.
		for _, k := range domain.OwnerKeys[objectType] {
			some, err := s.permissions.UnshareObject(ctx, objectType, id, from, k)
			if err != nil && !domain.IsKind(err, domain.KindNotFound) {
				return nil, err
			}
			gone = append(gone, some...)
		}
		if len(gone) == 0 {
			return nil, domain.NotFoundf("no matching permission on %s %s", objectType, id)
		}
	}
	keys := make([]domain.Key, len(gone))
	for i, p := range gone {
		keys[i] = p.Key
	}
	return keys, nil
}

package domain

import (
	"context"
	"slices"

	"github.com/google/uuid"
)

// Object types permissions apply to. ObjectAny matches every type.
const (
	ObjectAny            = "*"
	ObjectUser           = "user"
	ObjectGroup          = "group"
	ObjectSite           = "site"
	ObjectExternalDomain = "external_domain"
	ObjectNode           = "node"
	ObjectTemplate       = "template"
	ObjectEnvironment    = "environment"
	ObjectEvent          = "event"
	ObjectVM             = "vm"
	ObjectContainer      = "container"
	ObjectOperation      = "operation"
	ObjectSystem         = "system"
	ObjectRole           = "role"
)

// Key is what a permission allows. The level keys nest —
// read ⊂ update ⊂ delete ⊂ full — and full also holds every action key.
// Create is checked against the object type (no object id). Action keys
// each allow one operation and imply read of the object.
type Key string

// Level keys.
const (
	KeyRead   Key = "read"
	KeyUpdate Key = "update"
	KeyDelete Key = "delete"
	KeyFull   Key = "full"
	KeyCreate Key = "create"
)

// Action keys.
const (
	KeyVMStart          Key = "vm.start"
	KeyVMStop           Key = "vm.stop"
	KeyVMReset          Key = "vm.reset"
	KeyContainerStart   Key = "container.start"
	KeyContainerStop    Key = "container.stop"
	KeyContainerRestart Key = "container.restart"
	KeyEventManage      Key = "event.manage"
	KeyOperationRetry   Key = "operation.retry"
	KeySystemDiagnose   Key = "system.diagnose"
)

var levels = map[Key]int{KeyRead: 1, KeyUpdate: 2, KeyDelete: 3, KeyFull: 4}

var actionKeys = map[Key]bool{
	KeyCreate: true, KeyVMStart: true, KeyVMStop: true, KeyVMReset: true,
	KeyContainerStart: true, KeyContainerStop: true, KeyContainerRestart: true,
	KeyEventManage: true, KeyOperationRetry: true, KeySystemDiagnose: true,
}

// ValidKey reports whether k is a key Labforge knows.
func ValidKey(k Key) bool { return levels[k] > 0 || actionKeys[k] }

// Grants reports whether holding k allows need.
func (k Key) Grants(need Key) bool {
	if k == need || k == KeyFull {
		return true
	}
	have, isLevel := levels[k]
	if want, ok := levels[need]; ok {
		if isLevel {
			return have >= want
		}
		// An action key on an object lets its holder see the object.
		return need == KeyRead && k != KeyCreate
	}
	return false
}

// Permission grants Key on one object (ObjectID set) or on every object of
// a type (ObjectID nil) to one user, to everyone holding a role or to every
// member of a group.
//
// PermissionStore.PermissionsFor hands a group's grant to a member with
// UserID set to the member and GroupID still naming the group, so that
// Authorize weighs it like the member's own.
type Permission struct {
	ID         uuid.UUID  `json:"id"`
	ObjectType string     `json:"object_type"`
	ObjectID   *uuid.UUID `json:"object_id,omitempty"`
	Key        Key        `json:"key"`
	UserID     *uuid.UUID `json:"user_id,omitempty"`
	Role       string     `json:"role,omitempty"`
	GroupID    *uuid.UUID `json:"group_id,omitempty"`
}

// Validate checks that the permission names exactly one grantee and a known key.
func (p *Permission) Validate() error {
	var v Validator
	v.Check(p.ObjectType != "", "object_type", "must name an object type")
	v.Check(ValidKey(p.Key), "key", "must be read, update, delete, full, create or an action key such as vm.start")
	n := 0
	for _, set := range []bool{p.UserID != nil, p.Role != "", p.GroupID != nil} {
		if set {
			n++
		}
	}
	v.Check(n == 1, "grantee", "must name exactly one of a user, a role or a group")
	return v.Err()
}

// ShareableKeys are the keys an object of each type may be shared with:
// the level keys and the type's own action keys. Types missing here
// cannot be shared.
var ShareableKeys = map[string][]Key{
	ObjectVM:          {KeyRead, KeyUpdate, KeyDelete, KeyFull, KeyVMStart, KeyVMStop, KeyVMReset},
	ObjectContainer:   {KeyRead, KeyUpdate, KeyDelete, KeyFull, KeyContainerStart, KeyContainerStop, KeyContainerRestart},
	ObjectEnvironment: {KeyRead, KeyUpdate, KeyDelete, KeyFull},
	ObjectEvent:       {KeyRead, KeyUpdate, KeyDelete, KeyFull, KeyEventManage},
}

// Shareable reports whether objects of objectType may be shared with k.
func Shareable(objectType string, k Key) bool {
	return slices.Contains(ShareableKeys[objectType], k)
}

// RoleGrantable reports whether k may be given to a role on every object of
// objectType: any known key on a known type, or on every type ("*").
func RoleGrantable(objectType string, k Key) bool {
	if !ValidKey(k) {
		return false
	}
	switch objectType {
	case ObjectAny, ObjectUser, ObjectGroup, ObjectSite, ObjectExternalDomain, ObjectNode, ObjectTemplate,
		ObjectEnvironment, ObjectEvent, ObjectVM, ObjectContainer, ObjectOperation, ObjectSystem, ObjectRole:
		return true
	}
	return false
}

// Subject is the caller a permission check is about.
type Subject struct {
	UserID uuid.UUID
	Roles  []string
}

// ObjectRef names what is being accessed. A nil ID means the object type
// itself, which is what create is checked against.
type ObjectRef struct {
	Type string
	ID   *uuid.UUID
}

// Ref returns a reference to one object.
func Ref(objectType string, id uuid.UUID) ObjectRef { return ObjectRef{Type: objectType, ID: &id} }

// TypeRef returns a reference to an object type, for create checks.
func TypeRef(objectType string) ObjectRef { return ObjectRef{Type: objectType} }

// applies reports whether p is held by s and covers obj.
func (p *Permission) applies(s Subject, obj ObjectRef) bool {
	if p.ObjectType != ObjectAny && p.ObjectType != obj.Type {
		return false
	}
	if p.ObjectID != nil && (obj.ID == nil || *p.ObjectID != *obj.ID) {
		return false
	}
	if p.UserID != nil {
		return *p.UserID == s.UserID
	}
	return slices.Contains(s.Roles, p.Role)
}

// Authorize is the one place Labforge decides whether s may do need to obj,
// given the permissions that might apply (extra ones are ignored).
// It returns nil when allowed. A caller who may not even read an existing
// object gets KindNotFound, so that ids reveal nothing; one who may read it
// but not do need gets KindForbidden.
func Authorize(s Subject, perms []Permission, obj ObjectRef, need Key) error {
	canRead := false
	for i := range perms {
		p := &perms[i]
		if !p.applies(s, obj) {
			continue
		}
		if p.Key.Grants(need) {
			return nil
		}
		if p.Key.Grants(KeyRead) {
			canRead = true
		}
	}
	if obj.ID != nil && !canRead {
		return NotFoundf("%s %s not found", obj.Type, obj.ID)
	}
	if obj.ID == nil {
		return Errorf(KindForbidden, "you may not %s %s objects", need, obj.Type)
	}
	return Errorf(KindForbidden, "you may not %s %s %s", need, obj.Type, obj.ID)
}

// SeedPermissions are the role grants every installation starts with.
var SeedPermissions = []Permission{
	{ObjectType: ObjectAny, Key: KeyFull, Role: RoleAdmin},
	{ObjectType: ObjectEnvironment, Key: KeyCreate, Role: RoleInstructor},
	{ObjectType: ObjectEvent, Key: KeyCreate, Role: RoleInstructor},
	{ObjectType: ObjectVM, Key: KeyCreate, Role: RoleInstructor},
	{ObjectType: ObjectTemplate, Key: KeyRead, Role: RoleInstructor},
	{ObjectType: ObjectSite, Key: KeyRead, Role: RoleInstructor},
	{ObjectType: ObjectContainer, Key: KeyCreate, Role: RoleInstructor},
	{ObjectType: ObjectSite, Key: KeyRead, Role: RoleParticipant},
	{ObjectType: ObjectExternalDomain, Key: KeyRead, Role: RoleInstructor},
	{ObjectType: ObjectGroup, Key: KeyRead, Role: RoleInstructor},
	{ObjectType: ObjectExternalDomain, Key: KeyRead, Role: RoleParticipant},
	{ObjectType: ObjectContainer, Key: KeyCreate, Role: RoleParticipant},
}

// OwnerKeys are the keys a user receives on an object created for them.
var OwnerKeys = map[string][]Key{
	ObjectVM:          {KeyRead, KeyVMStart, KeyVMStop, KeyVMReset},
	ObjectContainer:   {KeyFull},
	ObjectEnvironment: {KeyFull},
	ObjectEvent:       {KeyFull},
	ObjectOperation:   {KeyRead},
}

// PermissionStore keeps roles and object permissions.
type PermissionStore interface {
	// GrantPermission stores p (idempotent: granting an existing permission
	// returns the stored one's ID in p.ID).
	GrantPermission(ctx context.Context, p *Permission) error
	// RevokePermission deletes a permission by id; KindNotFound if absent.
	RevokePermission(ctx context.Context, id uuid.UUID) error
	// PermissionsFor returns every permission held by s (directly, through
	// its roles or through the groups it is a member of) that could cover
	// obj: on obj itself, on its whole type, or on every type. A group's
	// grant comes back with UserID s.UserID and GroupID the group. Feed the
	// result to Authorize.
	PermissionsFor(ctx context.Context, s Subject, obj ObjectRef) ([]Permission, error)
	// ListRoles returns every role.
	ListRoles(ctx context.Context) ([]Role, error)
	// ListPermissions returns permissions oldest first, and the cursor of
	// the next page.
	ListPermissions(ctx context.Context, f PermissionFilter) ([]Permission, string, error)
	// ShareObject grants each of keys on one object to a user or a group
	// and returns the grants in the order of keys (granting again returns
	// the stored grant). KindInvalid for an unknown user or group.
	ShareObject(ctx context.Context, objectType string, objectID uuid.UUID, to Grantee, keys []Key) ([]Permission, error)
	// UnshareObject revokes what a user or a group holds on one object:
	// every key, or only key when it is set. It returns the revoked grants,
	// or KindNotFound when there were none.
	UnshareObject(ctx context.Context, objectType string, objectID uuid.UUID, from Grantee, key Key) ([]Permission, error)
	// RolePermissions returns every role's type-level grants by role name.
	RolePermissions(ctx context.Context) (map[string][]Permission, error)
	// CreateRoleWithPermissions stores a custom role with type-level grants
	// (object type and key of each), at once. KindInvalid for a bad name or
	// key, KindConflict when the role exists.
	CreateRoleWithPermissions(ctx context.Context, r *Role, perms []Permission) error
	// DeleteRole deletes a custom role and its grants: KindNotFound, or
	// KindConflict for a built-in role.
	DeleteRole(ctx context.Context, name string) error
}

// Grantee names who an object is shared with: one user or one group.
type Grantee struct {
	UserID  *uuid.UUID `json:"user_id,omitempty"`
	GroupID *uuid.UUID `json:"group_id,omitempty"`
}

// PermissionFilter narrows ListPermissions. Zero fields match everything.
type PermissionFilter struct {
	ObjectType string
	ObjectID   *uuid.UUID
	UserID     *uuid.UUID
	Role       string
	GroupID    *uuid.UUID
	Page       Page
}

// EventRoleKeys are the keys a user holds on an event through their role
// in it: its instructors change and manage it, its participants read it.
var EventRoleKeys = map[string][]Key{
	EventRoleInstructor:  {KeyUpdate, KeyEventManage},
	EventRoleParticipant: {KeyRead},
}

// EventRolePermissions are the permissions userID holds on event eventID
// through role (EventRoleKeys), to add to those Authorize weighs.
func EventRolePermissions(userID, eventID uuid.UUID, role string) []Permission {
	keys := EventRoleKeys[role]
	out := make([]Permission, 0, len(keys))
	for _, k := range keys {
		out = append(out, Permission{ObjectType: ObjectEvent, ObjectID: &eventID, Key: k, UserID: &userID})
	}
	return out
}

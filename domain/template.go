package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// VMTemplate is a Proxmox template (QEMU or LXC) discovered on a node.
type VMTemplate struct {
	ID        uuid.UUID `json:"id"`
	NodeID    uuid.UUID `json:"node_id"`
	Cluster   string    `json:"cluster"`
	VMID      int       `json:"vmid"`
	Kind      GuestKind `json:"kind"`
	Name      string    `json:"name"`
	OSType    string    `json:"os_type"`
	Cores     int       `json:"cores"`
	MemoryMB  int       `json:"memory_mb"`
	DiskGB    int       `json:"disk_gb"`
	Storage   string    `json:"storage"`
	Linked    bool      `json:"linked_clone"`
	Status    string    `json:"status"`
	SyncedAt  time.Time `json:"synced_at"`
	CreatedAt time.Time `json:"created_at"`
}

// Template statuses inventory sync writes.
const (
	TemplateAvailable = "available"
	// TemplateMissing marks a template Proxmox no longer reports; the record
	// stays because environments and VMs may still refer to it.
	TemplateMissing = "missing"
)

// TemplateFilter narrows ListTemplates. Zero fields match everything.
type TemplateFilter struct {
	Cluster string
	NodeID  *uuid.UUID
	Kind    GuestKind
	Page    Page
}

// TemplateStore keeps the templates inventory sync discovers.
type TemplateStore interface {
	// UpsertTemplate stores what inventory sync found for the template with
	// t.Cluster and t.VMID: a new one gets an ID and CreatedAt, a known one
	// keeps them and takes every other field. A zero SyncedAt means now. It
	// returns KindInvalid when the node is not in t.Cluster.
	UpsertTemplate(ctx context.Context, t *VMTemplate) error
	// FindTemplate returns the template or an error of KindNotFound.
	FindTemplate(ctx context.Context, id uuid.UUID) (*VMTemplate, error)
	// ListTemplates returns templates ordered by cluster and VMID, and the
	// cursor of the next page ("" at the end).
	ListTemplates(ctx context.Context, f TemplateFilter) ([]VMTemplate, string, error)
}

package domain

import (
	"context"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// NodeStatus is the last observed state of a Proxmox node.
type NodeStatus string

// Node states.
const (
	NodeUnknown NodeStatus = "unknown"
	NodeOnline  NodeStatus = "online"
	NodeOffline NodeStatus = "offline"
)

// DefaultCloneConcurrency is a node's clone_concurrency when its
// registration names none: clones it runs at once.
const DefaultCloneConcurrency = 2

// Node is one Proxmox VE node Labforge talks to, with the API token used for
// it. Neither form of the token secret is serialised: it never leaves the
// server, and only the code that builds a Proxmox client opens it.
type Node struct {
	ID       uuid.UUID `json:"id"`
	Name     string    `json:"name"`
	Cluster  string    `json:"cluster"`
	Endpoint string    `json:"endpoint"`
	TokenID  string    `json:"token_id"`
	// TokenSecret is a new token secret in plain text, to be stored: the
	// store seals it into SealedToken and clears it. Nodes read from the
	// store never carry it.
	TokenSecret string `json:"-"`
	// SealedToken is the stored token secret, sealed by internal/secrets.
	// A node written with no TokenSecret but a SealedToken (a cluster
	// import copying its entry node) stores that sealed value as it is.
	SealedToken      *SealedSecret `json:"-"`
	TLSFingerprint   string        `json:"tls_fingerprint,omitempty"`
	TLSCAFile        string        `json:"tls_ca_file,omitempty"`
	TLSInsecure      bool          `json:"tls_insecure"`
	Storages         []string      `json:"storages"`
	Bridge           string        `json:"bridge"`
	CloneConcurrency int           `json:"clone_concurrency"`
	// SiteID is the site whose network the node serves, if any.
	SiteID          *uuid.UUID `json:"site_id"`
	Status          NodeStatus `json:"status"`
	MaxCPU          int        `json:"max_cpu"`
	MaxMemoryBytes  int64      `json:"max_memory_bytes"`
	UsedMemoryBytes int64      `json:"used_memory_bytes"`
	SyncedAt        *time.Time `json:"synced_at,omitempty"`
	CreatedAt       time.Time  `json:"created_at"`
}

// Validate checks the node's connection settings.
func (n *Node) Validate() error {
	var v Validator
	v.Check(ValidSlug(n.Name), "name", "must be the Proxmox node name (letters, digits, hyphens)")
	v.Check(ValidSlug(n.Cluster), "cluster", "must be a lower-case cluster name of letters, digits and hyphens")
	u, err := url.Parse(n.Endpoint)
	v.Check(err == nil && u.Scheme == "https" && u.Host != "", "endpoint", "must be an https URL such as https://pve1.example.org:8006")
	v.Check(n.TokenID != "", "token_id", "must be an API token id such as labforge@pve!labforge")
	v.Check(n.TokenSecret != "" || n.SealedToken != nil, "token_secret", "must not be empty")
	v.Check(n.CloneConcurrency >= 1 && n.CloneConcurrency <= 64, "clone_concurrency", "must be between 1 and 64")
	v.Check(n.Bridge == "" || ValidSlug(n.Bridge), "bridge", "must be a bridge name such as vmbr0")
	for _, s := range n.Storages {
		v.Check(ValidSlug(s), "storages", "must be storage names such as local-lvm")
	}
	return v.Err()
}

// NodeStore keeps the Proxmox nodes Labforge talks to.
type NodeStore interface {
	// CreateNode stores n, its token secret sealed (TokenSecret becomes
	// SealedToken), assigning ID (unless set) and CreatedAt; an empty
	// Status becomes unknown. It returns KindInvalid or KindConflict (the
	// name is taken in the cluster).
	CreateNode(ctx context.Context, n *Node) error
	// FindNode returns the node, its sealed token secret included, or
	// KindNotFound.
	FindNode(ctx context.Context, id uuid.UUID) (*Node, error)
	// FindNodeByName returns the cluster's node of that name or KindNotFound.
	FindNodeByName(ctx context.Context, cluster, name string) (*Node, error)
	// ListNodes returns nodes ordered by cluster and name, and the cursor
	// of the next page ("" at the end).
	ListNodes(ctx context.Context, page Page) ([]Node, string, error)
	// UpdateNode stores n's connection settings, sealing a new TokenSecret;
	// with neither TokenSecret nor SealedToken it keeps the stored secret,
	// since clients never see it to send it back. Observed
	// fields are left to UpdateNodeStatus. It returns KindNotFound,
	// KindInvalid or KindConflict.
	UpdateNode(ctx context.Context, n *Node) error
	// UpdateNodeStatus stores what inventory sync observed: Status, MaxCPU,
	// MaxMemoryBytes, UsedMemoryBytes and SyncedAt (now when nil). It
	// returns KindNotFound.
	UpdateNodeStatus(ctx context.Context, n *Node) error
	// DeleteNode deletes the node, its templates and the permissions
	// granted on it. It returns KindNotFound, or KindConflict while VMs,
	// containers or environments still use it or its templates.
	DeleteNode(ctx context.Context, id uuid.UUID) error
}

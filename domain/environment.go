package domain

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Environment is an instructor's lab blueprint: the VM templates each
// participant gets, how they connect to them and, optionally, a Moodle
// template course. Events snapshot it when they deploy, so edits affect
// planned events only.
type Environment struct {
	ID                   uuid.UUID            `json:"id"`
	Name                 string               `json:"name"`
	Description          string               `json:"description"`
	OwnerID              uuid.UUID            `json:"owner_id"`
	Machines             []EnvironmentMachine `json:"machines"`
	MoodleTemplateCourse int                  `json:"moodle_template_course,omitempty"`
	CreatedAt            time.Time            `json:"created_at"`
	UpdatedAt            time.Time            `json:"updated_at"`
}

// CloneMode says how a machine's VMs are cloned from their template.
type CloneMode string

// Clone modes: a linked clone shares the template's disks, a full clone
// copies them.
const (
	CloneLinked CloneMode = "linked"
	CloneFull   CloneMode = "full"
)

// Limits of an environment machine.
const (
	MaxMachineCount          = 10
	MaxConnectionsPerMachine = 8
)

// EnvironmentMachine is one kind of VM every participant of an event
// receives, Count times.
type EnvironmentMachine struct {
	TemplateID uuid.UUID `json:"template_id"`
	Name       string    `json:"name"`
	// Count is how many VMs of this machine each participant gets (1-10).
	Count     int       `json:"count"`
	CloneMode CloneMode `json:"clone_mode"`
	// Cores and MemoryMB override the template's values when not zero.
	Cores       int                  `json:"cores,omitempty"`
	MemoryMB    int                  `json:"memory_mb,omitempty"`
	Connections []ConnectionTemplate `json:"connections"`
}

// ConnectionTemplate is how a participant reaches one of their VMs: a
// remote-desktop connection Guacamole opens with these settings.
type ConnectionTemplate struct {
	Protocol string `json:"protocol"`
	// Port is the VM's port; 0 means the protocol's default.
	Port     int    `json:"port"`
	Username string `json:"username"`
	// Password is sealed by internal/secrets; the API never returns it
	// and audit records never hold it (they record API views).
	Password *SealedSecret `json:"password_sealed,omitempty"`
}

// SealedSecret is a secret encrypted with AES-256-GCM under the key
// named KeyID (see internal/secrets).
type SealedSecret struct {
	KeyID      string `json:"key_id"`
	Ciphertext []byte `json:"ciphertext"`
}

// Remote-desktop protocols Guacamole offers, with their default ports.
var connectionProtocols = map[string]int{"rdp": 3389, "vnc": 5900, "ssh": 22}

// DefaultPort is the port the connection uses: Port, or the protocol's
// default when Port is 0.
func (c *ConnectionTemplate) DefaultPort() int {
	if c.Port != 0 {
		return c.Port
	}
	return connectionProtocols[c.Protocol]
}

// Validate checks the environment, each of its machines and their
// connection templates; fields are named like machines[1].connections[0].port.
func (e *Environment) Validate() error {
	var v Validator
	v.Check(ValidDisplayText(e.Name, 100), "name", "must be 1-100 printable characters")
	v.Check(len(e.Description) <= 5000, "description", "must be at most 5000 characters")
	v.Check(len(e.Machines) > 0, "machines", "must list at least one machine")
	v.Check(len(e.Machines) <= 20, "machines", "must list at most 20 machines")
	names := map[string]bool{}
	for i := range e.Machines {
		m := &e.Machines[i]
		field := "machines[" + strconv.Itoa(i) + "]"
		v.Check(m.TemplateID != uuid.Nil, field+".template_id", "must name a template")
		v.Check(ValidHostname(m.Name) && len(m.Name) <= 20, field+".name", "must be a DNS label of at most 20 characters: lower-case letters, digits and inner hyphens")
		v.Check(!names[m.Name], field+".name", "is used by another machine of this environment")
		names[m.Name] = true
		v.Check(m.Count >= 1 && m.Count <= MaxMachineCount, field+".count", "must be between 1 and 10")
		v.Check(m.CloneMode == CloneLinked || m.CloneMode == CloneFull, field+".clone_mode", "must be linked or full")
		v.Check(m.Cores >= 0 && m.Cores <= 128, field+".cores", "must be between 1 and 128, or 0 for the template's value")
		v.Check(m.MemoryMB >= 0 && m.MemoryMB <= 1<<20, field+".memory_mb", "must be between 1 and 1048576, or 0 for the template's value")
		v.Check(len(m.Connections) <= MaxConnectionsPerMachine, field+".connections", "must list at most 8 connections")
		for j := range m.Connections {
			validateConnection(&v, &m.Connections[j], field+".connections["+strconv.Itoa(j)+"]")
		}
	}
	v.Check(e.MoodleTemplateCourse >= 0, "moodle_template_course", "must be a Moodle course id")
	return v.Err()
}

func validateConnection(v *Validator, c *ConnectionTemplate, field string) {
	_, ok := connectionProtocols[c.Protocol]
	v.Check(ok, field+".protocol", "must be one of rdp, vnc, ssh")
	v.Check(c.Port >= 0 && c.Port <= 65535, field+".port", "must be between 1 and 65535, or 0 for the protocol's default")
	v.Check(len(c.Username) <= 100 && (c.Username == "" || ValidDisplayText(c.Username, 100)), field+".username", "must be at most 100 printable characters")
	v.Check(c.Password == nil || (c.Password.KeyID != "" && len(c.Password.Ciphertext) > 0), field+".password", "must be sealed with a known key")
}

// EnvironmentFilter narrows ListEnvironments. Zero fields match everything.
type EnvironmentFilter struct {
	OwnerID *uuid.UUID
	// VisibleTo matches environments the user owns or holds a permission
	// on, directly or through a group.
	VisibleTo *uuid.UUID
	Page      Page
}

// EnvironmentStore keeps environments with their machines and connection
// templates.
type EnvironmentStore interface {
	// CreateEnvironment stores e with its machines and grants its owner
	// OwnerKeys, assigning ID (unless set) and timestamps. It returns
	// KindInvalid for invalid fields, an unknown owner or template.
	CreateEnvironment(ctx context.Context, e *Environment) error
	// FindEnvironment returns the environment with its machines or KindNotFound.
	FindEnvironment(ctx context.Context, id uuid.UUID) (*Environment, error)
	// ListEnvironments returns environments ordered by name, and the cursor
	// of the next page.
	ListEnvironments(ctx context.Context, f EnvironmentFilter) ([]Environment, string, error)
	// UpdateEnvironment stores every field, replacing the machines. It
	// returns KindNotFound or KindInvalid.
	UpdateEnvironment(ctx context.Context, e *Environment) error
	// DeleteEnvironment deletes it; KindNotFound, or KindConflict while
	// events use it.
	DeleteEnvironment(ctx context.Context, id uuid.UUID) error
}

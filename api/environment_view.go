package api

import (
	"time"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
)

// EnvironmentView is an environment as the API shows it: connection
// passwords are never returned, only whether one is set.
type EnvironmentView struct {
	ID                   uuid.UUID     `json:"id"`
	Name                 string        `json:"name"`
	Description          string        `json:"description"`
	OwnerID              uuid.UUID     `json:"owner_id"`
	Machines             []MachineView `json:"machines"`
	MoodleTemplateCourse int           `json:"moodle_template_course"`
	CreatedAt            time.Time     `json:"created_at"`
	UpdatedAt            time.Time     `json:"updated_at"`
}

// MachineView is one machine of an EnvironmentView.
type MachineView struct {
	TemplateID  uuid.UUID        `json:"template_id"`
	Name        string           `json:"name"`
	Count       int              `json:"count"`
	CloneMode   domain.CloneMode `json:"clone_mode"`
	Cores       int              `json:"cores"`
	MemoryMB    int              `json:"memory_mb"`
	Connections []ConnectionView `json:"connections"`
}

// ConnectionView is a connection template without its password.
type ConnectionView struct {
	Protocol    string `json:"protocol"`
	Port        int    `json:"port"`
	Username    string `json:"username"`
	HasPassword bool   `json:"has_password"`
}

// environmentView hides e's secrets. Audit records hold views too, so a
// sealed password never reaches them either.
func environmentView(e *domain.Environment) EnvironmentView {
	v := EnvironmentView{ID: e.ID, Name: e.Name, Description: e.Description, OwnerID: e.OwnerID,
		MoodleTemplateCourse: e.MoodleTemplateCourse, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		Machines: make([]MachineView, len(e.Machines))}
	for i, m := range e.Machines {
		mv := MachineView{TemplateID: m.TemplateID, Name: m.Name, Count: m.Count, CloneMode: m.CloneMode,
			Cores: m.Cores, MemoryMB: m.MemoryMB, Connections: make([]ConnectionView, len(m.Connections))}
		for j, c := range m.Connections {
			mv.Connections[j] = ConnectionView{Protocol: c.Protocol, Port: c.Port, Username: c.Username, HasPassword: c.Password != nil}
		}
		v.Machines[i] = mv
	}
	return v
}

package api

import (
	"context"
	"strconv"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/secrets"
)

// EnvironmentRequest creates an environment (POST: name and machines
// required) or changes the fields it names (PATCH; machines, when present,
// replace every machine).
type EnvironmentRequest struct {
	Name                 *string           `json:"name"`
	Description          *string           `json:"description"`
	MoodleTemplateCourse *int              `json:"moodle_template_course"`
	Machines             *[]MachineRequest `json:"machines"`
}

// MachineRequest is one machine of an environment. Count defaults to 1
// and CloneMode to linked.
type MachineRequest struct {
	TemplateID  string              `json:"template_id"`
	Name        string              `json:"name"`
	Count       *int                `json:"count"`
	CloneMode   string              `json:"clone_mode"`
	Cores       int                 `json:"cores"`
	MemoryMB    int                 `json:"memory_mb"`
	Connections []ConnectionRequest `json:"connections"`
}

// ConnectionRequest is one connection template of a machine. A password
// is sealed before it is stored and never returned. On PATCH an absent
// password keeps the one stored for the same machine name and position,
// and "" removes it.
type ConnectionRequest struct {
	Protocol string  `json:"protocol"`
	Port     int     `json:"port"`
	Username string  `json:"username"`
	Password *string `json:"password"`
}

// maxPasswordLength bounds a connection password.
const maxPasswordLength = 256

// environmentBuilder turns requests into environments: it checks the
// templates exist and seals passwords with keys (nil: passwords refused).
type environmentBuilder struct {
	keys      *secrets.Keyring
	templates domain.TemplateStore
}

// apply copies req's fields into e (whose stored machines give the
// passwords an absent one keeps) and validates the result, naming fields
// such as machines[0].connections[1].password.
func (b environmentBuilder) apply(ctx context.Context, e *domain.Environment, req *EnvironmentRequest) error {
	var v domain.Validator
	if req.Name != nil {
		e.Name = *req.Name
	}
	if req.Description != nil {
		e.Description = *req.Description
	}
	if req.MoodleTemplateCourse != nil {
		e.MoodleTemplateCourse = *req.MoodleTemplateCourse
	}
	if req.Machines != nil {
		stored := storedPasswords(e)
		machines := make([]domain.EnvironmentMachine, len(*req.Machines))
		for i, m := range *req.Machines {
			field := "machines[" + strconv.Itoa(i) + "]"
			machine, err := b.machine(ctx, &v, field, &m, stored[m.Name])
			if err != nil {
				return err
			}
			machines[i] = machine
		}
		e.Machines = machines
	}
	return mergeErrors(e.Validate(), v.Err())
}

// machine builds one machine of the request, reporting bad fields to v;
// its error is a failure to check the template.
func (b environmentBuilder) machine(ctx context.Context, v *domain.Validator, field string, m *MachineRequest,
	stored []*domain.SealedSecret) (domain.EnvironmentMachine, error) {
	out := domain.EnvironmentMachine{Name: m.Name, Count: 1, CloneMode: domain.CloneLinked, Cores: m.Cores, MemoryMB: m.MemoryMB,
		Connections: make([]domain.ConnectionTemplate, len(m.Connections))}
	if m.Count != nil {
		out.Count = *m.Count
	}
	if m.CloneMode != "" {
		out.CloneMode = domain.CloneMode(m.CloneMode)
	}
	if id, err := uuid.Parse(m.TemplateID); err != nil {
		v.Check(false, field+".template_id", "must be a template id")
	} else if _, err := b.templates.FindTemplate(ctx, id); err == nil {
		out.TemplateID = id
	} else if domain.IsKind(err, domain.KindNotFound) {
		v.Check(false, field+".template_id", "must name an existing template")
	} else {
		return out, err
	}
	for j, c := range m.Connections {
		conn := domain.ConnectionTemplate{Protocol: c.Protocol, Port: c.Port, Username: c.Username}
		pwField := field + ".connections[" + strconv.Itoa(j) + "].password"
		switch {
		case c.Password == nil && j < len(stored):
			conn.Password = stored[j]
		case c.Password == nil, *c.Password == "":
		case len(*c.Password) > maxPasswordLength:
			v.Check(false, pwField, "must be at most 256 characters")
		case b.keys == nil:
			v.Check(false, pwField, "cannot be stored: the server has no LABFORGE_SECRET_KEY to seal it with")
		default:
			conn.Password = b.keys.Seal(*c.Password)
		}
		out.Connections[j] = conn
	}
	return out, nil
}

// storedPasswords are e's sealed passwords by machine name and position.
func storedPasswords(e *domain.Environment) map[string][]*domain.SealedSecret {
	out := map[string][]*domain.SealedSecret{}
	for _, m := range e.Machines {
		pws := make([]*domain.SealedSecret, len(m.Connections))
		for j, c := range m.Connections {
			pws[j] = c.Password
		}
		out[m.Name] = pws
	}
	return out
}

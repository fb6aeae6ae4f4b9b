package activities

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/google/uuid"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/guacamole"
)

// EnsureConnectionInput asks for the Guacamole connection of one
// participant to one of their VMs through one connection template.
type EnsureConnectionInput struct {
	EventID   uuid.UUID
	EventName string
	// UserID and Username are the participant's Labforge id and username;
	// the username is also their Guacamole username.
	UserID   uuid.UUID
	Username string
	// VMID is the participant's VM; Machine and Index name it within the
	// event's environment (the Index-th VM of machine Machine).
	VMID    uuid.UUID
	Machine string
	Index   int
	// TemplatePosition is the template's position among the machine's
	// connection templates; Template is the template itself (from the
	// event's environment snapshot), its password sealed.
	TemplatePosition int
	Template         domain.ConnectionTemplate
	// IPv4 is the VM's address, the connection's hostname.
	IPv4 string
}

// EnsureConnectionResult is the connection made. Skipped is set, and
// nothing done, when Guacamole is not configured.
type EnsureConnectionResult struct {
	Skipped      bool   `json:"skipped,omitempty"`
	ConnectionID string `json:"connection_id,omitempty"`
	Name         string `json:"name,omitempty"`
	// URL opens the connection in the browser.
	URL string `json:"url,omitempty"`
}

// ConnectionName is the title of a participant's connection: the event's
// name and the machine, then what tells it from the participant's other
// connections and everyone else's (Guacamole names are unique under their
// group, and the activity finds its connection again by name).
func ConnectionName(in EnsureConnectionInput) string {
	machine := in.Machine
	if in.Index > 0 {
		machine += " #" + strconv.Itoa(in.Index+1)
	}
	vm := in.VMID.String()[:8]
	return fmt.Sprintf("%s · %s · %s (%s, %s/%d)", in.EventName, machine, in.Template.Protocol, in.Username, vm, in.TemplatePosition)
}

// EnsureConnection makes the participant's Guacamole user (without a
// password: they sign in through the site's single sign-on) unless it
// exists, the connection (hostname = the VM's IPv4, the template's port,
// username and password, opened from its sealed secret and never logged)
// unless one of its name exists, records its identifier and client URL, and grants READ
// on it to the participant only. It is idempotent: a retry finds the user
// and the connection by name and grants again (an existing connection is
// not updated: a VM whose address changed needs DeleteConnections first). A missing address, an
// unknown protocol or a password that cannot be opened is Invalid; an
// unreachable Guacamole is GuacamoleUnavailable (retryable).
func (a *Guacamole) EnsureConnection(ctx context.Context, in EnsureConnectionInput) (EnsureConnectionResult, error) {
	if !a.configured("EnsureConnection") {
		return EnsureConnectionResult{Skipped: true}, nil
	}
	if err := in.validate(); err != nil {
		return EnsureConnectionResult{}, classify(err)
	}
	conn, err := a.connection(in)
	if err != nil {
		return EnsureConnectionResult{}, classify(err)
	}
	log := logger(a.Logger).With(slog.String("event_id", in.EventID.String()), slog.String("vm_id", in.VMID.String()),
		slog.Int("template_position", in.TemplatePosition))
	if err := a.Client.EnsureUser(ctx, guacamole.User{Username: in.Username}); err != nil {
		return EnsureConnectionResult{}, classifyGuacamole(err)
	}
	made, err := a.Client.CreateConnection(ctx, conn)
	if err != nil {
		return EnsureConnectionResult{}, classifyGuacamole(err)
	}
	link, err := a.Client.ClientURL(ctx, made.Identifier)
	if err != nil {
		return EnsureConnectionResult{}, classifyGuacamole(err)
	}
	rec := &domain.EventConnection{EventID: in.EventID, UserID: in.UserID, VMID: in.VMID, TemplatePosition: in.TemplatePosition,
		GuacamoleUser: in.Username, GuacamoleID: made.Identifier, Name: conn.Name, URL: link, State: domain.ConnectionActive}
	if err := a.Store.RecordEventConnection(ctx, rec); err != nil {
		return EnsureConnectionResult{}, classify(err)
	}
	if err := a.Client.GrantConnection(ctx, in.Username, made.Identifier); err != nil {
		return EnsureConnectionResult{}, classifyGuacamole(err)
	}
	log.Info("Guacamole connection ready", slog.String("connection_id", made.Identifier), slog.String("user", in.Username))
	return EnsureConnectionResult{ConnectionID: made.Identifier, Name: conn.Name, URL: link}, nil
}

func (in EnsureConnectionInput) validate() error {
	var v domain.Validator
	v.Check(in.EventID != uuid.Nil && in.UserID != uuid.Nil && in.VMID != uuid.Nil, "ids", "event, user and VM ids are required")
	v.Check(in.Username != "", "username", "is required")
	v.Check(in.IPv4 != "", "ipv4", "the VM has no address yet")
	v.Check(in.Template.DefaultPort() != 0, "protocol", "must be rdp, vnc or ssh")
	v.Check(in.TemplatePosition >= 0, "template_position", "must not be negative")
	return v.Err()
}

// connection builds the Guacamole connection of in, opening its password.
func (a *Guacamole) connection(in EnsureConnectionInput) (guacamole.Connection, error) {
	params := map[string]string{
		"hostname": in.IPv4,
		"port":     strconv.Itoa(in.Template.DefaultPort()),
	}
	if in.Template.Username != "" {
		params["username"] = in.Template.Username
	}
	if in.Template.Password != nil {
		if a.Keyring == nil {
			return guacamole.Connection{}, domain.Errorf(domain.KindInvalid,
				"the connection template has a sealed password but no secret key is configured")
		}
		pw, err := a.Keyring.Open(in.Template.Password)
		if err != nil {
			return guacamole.Connection{}, domain.Wrap(err, domain.KindInvalid, "the connection password cannot be opened: "+err.Error())
		}
		params["password"] = pw
	}
	if in.Template.Protocol == "rdp" {
		// Lab VMs have self-signed RDP certificates.
		params["ignore-cert"] = "true"
		params["security"] = "any"
	}
	return guacamole.Connection{Name: ConnectionName(in), Protocol: in.Template.Protocol, Parameters: params}, nil
}

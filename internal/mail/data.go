package mail

import "time"

// The data each template is rendered with. A template may use only the
// fields of its key's data struct (Check rejects any other); these structs
// and their doc comments are the documentation administrators get, and
// GET /api/v1/email-templates lists their fields. Fields are only ever
// added, never renamed, so that saved templates keep working.

// Person is the recipient of an e-mail.
type Person struct {
	// Name is the person's display name (or their username).
	Name string `json:"name"`
	// Email is their e-mail address.
	Email string `json:"email"`
}

// Event is the event an e-mail is about.
type Event struct {
	Name     string    `json:"name"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	// URL is the event's page in the Labforge console.
	URL string `json:"url"`
}

// Connection is one way into a lab machine.
type Connection struct {
	// Machine is the machine's name in the environment, such as "dc1".
	Machine string `json:"machine"`
	// Protocol is rdp, vnc or ssh.
	Protocol string `json:"protocol"`
	// URL opens the connection in the browser (Guacamole).
	URL string `json:"url"`
	// Address is the machine's address, when it is reachable directly.
	Address string `json:"address"`
}

// FailedItem is one machine or participant whose step failed.
type FailedItem struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

// EventDeployedData renders event.deployed: sent to each participant
// when their machines are ready.
type EventDeployedData struct {
	Recipient   Person       `json:"recipient"`
	Event       Event        `json:"event"`
	Connections []Connection `json:"connections"`
}

// EventDeployFailedData renders event.deploy_failed: sent to the
// instructors when an event's deployment failed as a whole.
type EventDeployFailedData struct {
	Recipient Person `json:"recipient"`
	Event     Event  `json:"event"`
	Error     string `json:"error"`
}

// EventItemsFailedData renders event.items_failed: sent to the
// instructors when some machines of an event failed to deploy.
type EventItemsFailedData struct {
	Recipient Person       `json:"recipient"`
	Event     Event        `json:"event"`
	Failed    []FailedItem `json:"failed"`
	// Deployed is how many machines did deploy.
	Deployed int `json:"deployed"`
}

// EventEndingSoonData renders event.ending_soon: sent to participants
// before the end of an event.
type EventEndingSoonData struct {
	Recipient Person `json:"recipient"`
	Event     Event  `json:"event"`
	// EndsIn is the time left, in words ("30 minutes").
	EndsIn string `json:"ends_in"`
}

// EventEndedData renders event.ended: sent to participants when an
// event has ended and its machines are stopped.
type EventEndedData struct {
	Recipient Person `json:"recipient"`
	Event     Event  `json:"event"`
}

// VMReadyData renders vm.ready: sent to a VM's owner when it is ready.
type VMReadyData struct {
	Recipient Person `json:"recipient"`
	// VM is the machine's name.
	VM         string     `json:"vm"`
	Connection Connection `json:"connection"`
}

// AccountInvitationData renders account.invitation: sent to an e-mail
// address an administrator invites to create a local account.
type AccountInvitationData struct {
	// Recipient is the invited person: their address, and the display
	// name the administrator gave (or the address).
	Recipient Person `json:"recipient"`
	// InvitedBy is the display name (or username) of the administrator.
	InvitedBy string `json:"invited_by"`
	// Roles lists the roles the account gets, such as "participant".
	Roles []string `json:"roles"`
	// URL opens the page where the account is created; it works once.
	URL string `json:"url"`
	// ExpiresAt is when the link stops working (24 hours after sending).
	ExpiresAt time.Time `json:"expires_at"`
}

// AccountPasswordResetData renders account.password_reset: sent to a
// local account that asked to reset its password.
type AccountPasswordResetData struct {
	Recipient Person `json:"recipient"`
	// Username is the account's username, to sign in with.
	Username string `json:"username"`
	// URL opens the page where the new password is set; it works once.
	URL string `json:"url"`
	// ExpiresAt is when the link stops working (1 hour after sending).
	ExpiresAt time.Time `json:"expires_at"`
}

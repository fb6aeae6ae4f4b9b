package mail

import "time"

// specs are the kinds of e-mail Labforge sends, with their shipped
// templates. An administrator's saved version of a key overrides its
// default (PUT /api/v1/email-templates/{key}).
var specs = []Spec{
	{
		Key:            EventDeployed,
		About:          "to each participant when their lab machines are ready, with their connections",
		Sample:         EventDeployedData{Recipient: samplePerson, Event: sampleEvent, Connections: sampleConnections},
		DefaultSubject: `Your lab for {{.Event.Name}} is ready`,
		DefaultBody: layout(`<p>Hello {{.Recipient.Name}},</p>
<p>your machines for <strong>{{.Event.Name}}</strong> are ready. The lab is open from
{{.Event.StartsAt.Format "Mon 2 Jan 2006 15:04 MST"}} to {{.Event.EndsAt.Format "Mon 2 Jan 2006 15:04 MST"}}.</p>
<table>
<tr><th>Machine</th><th>Protocol</th><th>Connect</th></tr>
{{range .Connections}}<tr><td>{{.Machine}}</td><td>{{.Protocol}}</td><td><a href="{{.URL}}">open in the browser</a>{{if .Address}} ({{.Address}}){{end}}</td></tr>
{{end}}</table>
<p><a href="{{.Event.URL}}">Open the event in Labforge</a></p>`),
	},
	{
		Key:            EventDeployFailed,
		About:          "to the instructors when an event's deployment failed",
		Sample:         EventDeployFailedData{Recipient: sampleInstructor, Event: sampleEvent, Error: "no node has room for 24 machines of 4 GiB"},
		DefaultSubject: `Deployment of {{.Event.Name}} failed`,
		DefaultBody: layout(`<p>Hello {{.Recipient.Name}},</p>
<p>the deployment of <strong>{{.Event.Name}}</strong> (starting {{.Event.StartsAt.Format "Mon 2 Jan 2006 15:04 MST"}}) failed:</p>
<p><code>{{.Error}}</code></p>
<p><a href="{{.Event.URL}}">Open the event in Labforge</a> to retry or change it.</p>`),
	},
	{
		Key:            EventItemsFailed,
		About:          "to the instructors when some machines of an event failed to deploy",
		Sample:         EventItemsFailedData{Recipient: sampleInstructor, Event: sampleEvent, Deployed: 23, Failed: []FailedItem{{Name: "alice / dc1", Error: "clone task failed: storage full"}}},
		DefaultSubject: `{{len .Failed}} machines of {{.Event.Name}} failed to deploy`,
		DefaultBody: layout(`<p>Hello {{.Recipient.Name}},</p>
<p>{{.Deployed}} machines of <strong>{{.Event.Name}}</strong> are ready; these failed:</p>
<ul>
{{range .Failed}}<li>{{.Name}}: <code>{{.Error}}</code></li>
{{end}}</ul>
<p><a href="{{.Event.URL}}">Open the event in Labforge</a> to retry them.</p>`),
	},
	{
		Key:            EventEndingSoon,
		About:          "to each participant shortly before an event ends",
		Sample:         EventEndingSoonData{Recipient: samplePerson, Event: sampleEvent, EndsIn: "30 minutes"},
		DefaultSubject: `{{.Event.Name}} ends in {{.EndsIn}}`,
		DefaultBody: layout(`<p>Hello {{.Recipient.Name}},</p>
<p><strong>{{.Event.Name}}</strong> ends in {{.EndsIn}}, at {{.Event.EndsAt.Format "15:04 MST"}}.
Your machines are stopped then: save your work.</p>`),
	},
	{
		Key:            EventEnded,
		About:          "to each participant when an event has ended and its machines are stopped",
		Sample:         EventEndedData{Recipient: samplePerson, Event: sampleEvent},
		DefaultSubject: `{{.Event.Name}} has ended`,
		DefaultBody: layout(`<p>Hello {{.Recipient.Name}},</p>
<p><strong>{{.Event.Name}}</strong> has ended and its machines are stopped. Thank you for taking part.</p>`),
	},
	{
		Key:            VMReady,
		About:          "to a VM's owner when the VM is ready",
		Sample:         VMReadyData{Recipient: samplePerson, VM: "dc1", Connection: sampleConnections[0]},
		DefaultSubject: `Your VM {{.VM}} is ready`,
		DefaultBody: layout(`<p>Hello {{.Recipient.Name}},</p>
<p>your VM <strong>{{.VM}}</strong> is ready:
<a href="{{.Connection.URL}}">open it in the browser</a> ({{.Connection.Protocol}}{{if .Connection.Address}}, {{.Connection.Address}}{{end}}).</p>`),
	},
	{
		Key:            AccountInvitation,
		About:          "to an e-mail address an administrator invites to create a local account, with a link valid for 24 hours",
		Sample:         AccountInvitationData{Recipient: samplePerson, InvitedBy: "Ian Structor", Roles: []string{"participant"}, URL: "https://labforge.example.org/invitation?token=sample", ExpiresAt: sampleExpiry},
		DefaultSubject: `You are invited to Labforge`,
		DefaultBody: layout(`<p>Hello {{.Recipient.Name}},</p>
<p>{{.InvitedBy}} invites you to create an account on Labforge.</p>
<p><a href="{{.URL}}">Create your account</a></p>
<p>The link works once, until {{.ExpiresAt.Format "Mon 2 Jan 2006 15:04 MST"}}. If you did not expect this invitation, ignore this e-mail.</p>`),
	},
	{
		Key:            AccountPasswordReset,
		About:          "to a local account that asked to reset its password, with a link valid for 1 hour",
		Sample:         AccountPasswordResetData{Recipient: samplePerson, Username: "alice", URL: "https://labforge.example.org/password-reset?token=sample", ExpiresAt: sampleExpiry},
		DefaultSubject: `Reset your Labforge password`,
		DefaultBody: layout(`<p>Hello {{.Recipient.Name}},</p>
<p>someone, hopefully you, asked to reset the password of your Labforge account <strong>{{.Username}}</strong>.</p>
<p><a href="{{.URL}}">Choose a new password</a></p>
<p>The link works once, until {{.ExpiresAt.Format "Mon 2 Jan 2006 15:04 MST"}}. If you did not ask for it, ignore this e-mail: your password stays as it is.</p>`),
	},
}

// layout wraps a default body in a minimal HTML document.
func layout(content string) string {
	return `<!DOCTYPE html>
<html><body style="font-family: sans-serif">
` + content + `
<p style="color: #666; font-size: small">Sent by Labforge.</p>
</body></html>
`
}

// Sample data for previews.
var (
	samplePerson     = Person{Name: "Alice Example", Email: "alice@example.org"}
	sampleInstructor = Person{Name: "Ian Structor", Email: "ian@example.org"}
	sampleEvent      = Event{
		Name:     "Windows Server workshop",
		StartsAt: time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC),
		EndsAt:   time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC),
		URL:      "https://labforge.example.org/events/0b7c",
	}
	sampleExpiry      = time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)
	sampleConnections = []Connection{
		{Machine: "dc1", Protocol: "rdp", URL: "https://labforge.example.org/guacamole/#/client/ZGMx", Address: "10.20.0.11"},
		{Machine: "client1", Protocol: "vnc", URL: "https://labforge.example.org/guacamole/#/client/Y2xp"},
	}
)

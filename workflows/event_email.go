package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/domain"
	"github.com/labforge/labforge/internal/mail"
)

// The event's e-mails are best effort: each is logged and sent by a
// SendEmail child in a background coroutine, and a failure is logged
// (the e-mail log lets an administrator resend it), never failing the
// event.

// emailTo logs and sends one e-mail to member in the background.
func (wf *eventLifecycle) emailTo(ctx workflow.Context, m domain.EventMember, template string, data any) {
	if m.Email == "" {
		return
	}
	wf.inBackground(ctx, func(ctx workflow.Context) {
		if _, err := SendEmailChild(ctx, EmailRequest{To: m.Email, Template: template, Data: data}); err != nil {
			workflow.GetLogger(ctx).Warn("event e-mail failed", "template", template, "to", m.Username, "error", err)
		}
	})
}

// mailEvent is the event as e-mails show it.
func (wf *eventLifecycle) mailEvent() mail.Event {
	e := mail.Event{Name: wf.s.Event.Name, StartsAt: wf.s.Event.Schedule.StartsAt}
	if end := wf.s.Event.Schedule.EndsAt; end != nil {
		e.EndsAt = *end
	}
	return e
}

func person(m domain.EventMember) mail.Person {
	name := m.DisplayName
	if name == "" {
		name = m.Username
	}
	return mail.Person{Name: name, Email: m.Email}
}

// members returns the members holding role.
func (wf *eventLifecycle) members(role string) []domain.EventMember {
	return slices.DeleteFunc(slices.Clone(wf.s.Members), func(m domain.EventMember) bool { return m.Role != role })
}

// notifyReadyParticipants sends event.deployed, with their connections, to
// each participant whose items are all ready with their connections made
// (or failed) and who has not had it yet.
func (wf *eventLifecycle) notifyReadyParticipants(ctx workflow.Context) {
	for _, m := range wf.members(domain.EventRoleParticipant) {
		if slices.Contains(wf.s.Notified, m.UserID) || !wf.allReady(m) {
			continue
		}
		wf.s.Notified = append(wf.s.Notified, m.UserID)
		wf.emailTo(ctx, m, mail.EventDeployed, mail.EventDeployedData{Recipient: person(m), Event: wf.mailEvent(),
			Connections: wf.mailConnections(m.UserID)})
	}
}

// allReady reports whether m has items and all of them are ready.
func (wf *eventLifecycle) allReady(m domain.EventMember) bool {
	n := 0
	for _, it := range wf.liveItems() {
		if it.User != m.UserID {
			continue
		}
		if it.State != domain.ItemReady || !it.connectionsSettled() {
			return false
		}
		n++
	}
	return n > 0
}

// emailItemsFailed tells the instructors which items failed, if any.
func (wf *eventLifecycle) emailItemsFailed(ctx workflow.Context) {
	var failed []mail.FailedItem
	for _, it := range wf.liveItems() {
		if it.State == domain.ItemFailed {
			failed = append(failed, mail.FailedItem{Name: it.Username + " / " + it.Machine, Error: it.Error})
		}
	}
	if len(failed) == 0 {
		return
	}
	for _, m := range wf.members(domain.EventRoleInstructor) {
		wf.emailTo(ctx, m, mail.EventItemsFailed, mail.EventItemsFailedData{Recipient: person(m), Event: wf.mailEvent(),
			Failed: failed, Deployed: wf.count(domain.ItemReady)})
	}
}

// emailDeployFailed tells the instructors the deployment failed as a whole.
func (wf *eventLifecycle) emailDeployFailed(ctx workflow.Context, reason string) {
	for _, m := range wf.members(domain.EventRoleInstructor) {
		wf.emailTo(ctx, m, mail.EventDeployFailed, mail.EventDeployFailedData{Recipient: person(m), Event: wf.mailEvent(), Error: reason})
	}
}

// emailEnded tells the participants the event has ended.
func (wf *eventLifecycle) emailEnded(ctx workflow.Context) {
	for _, m := range wf.members(domain.EventRoleParticipant) {
		wf.emailTo(ctx, m, mail.EventEnded, mail.EventEndedData{Recipient: person(m), Event: wf.mailEvent()})
	}
}

// emailEndingSoon tells the participants the event ends in left.
func (wf *eventLifecycle) emailEndingSoon(ctx workflow.Context, left time.Duration) {
	for _, m := range wf.members(domain.EventRoleParticipant) {
		wf.emailTo(ctx, m, mail.EventEndingSoon, mail.EventEndingSoonData{Recipient: person(m), Event: wf.mailEvent(),
			EndsIn: inWords(left)})
	}
}

// inWords says a duration for people: "30 minutes", "1 minute".
func inWords(d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", max(m, 0))
}

package workflows

import "go.temporal.io/sdk/workflow"

// eventHook is a point of the event lifecycle where optional integrations
// plug in.
type eventHook string

// Hook points: after the deployment (VMs ready), at the end (VMs
// stopped) and at the teardown (VMs deleted).
const (
	hookDeployed eventHook = "deployed"
	hookEnded    eventHook = "ended"
	hookTeardown eventHook = "teardown"
)

// eventStep is one integration's work at a hook point. run is nil while
// the integration is not built or not configured, and the step is
// skipped; a failing step is logged and never fails the event.
type eventStep struct {
	name string
	run  func(ctx workflow.Context, wf *eventLifecycle) error
}

// eventSteps lists, per hook point, the integrations' steps in order.
// The Guacamole connections and the Moodle enrolment (workflow
// MoodleEnrolment, event/<id>/moodle) plug in here:
//   - deployed: "connections" creates one connection per participant, VM
//     and connection template; "moodle" duplicates the course and enrols.
//   - ended: "connections" revokes them; "moodle" unenrols students and
//     hides the course.
//   - teardown: "connections" deletes them; "moodle" deletes the course if
//     configured.
var eventSteps = map[eventHook][]eventStep{
	hookDeployed: {{name: "connections"}, {name: "moodle"}},
	hookEnded:    {{name: "connections"}, {name: "moodle"}},
	hookTeardown: {{name: "connections"}, {name: "moodle"}},
}

// runHooks runs the steps of hook, skipping those not configured.
func (wf *eventLifecycle) runHooks(ctx workflow.Context, hook eventHook) {
	log := workflow.GetLogger(ctx)
	for _, st := range eventSteps[hook] {
		if st.run == nil {
			log.Debug("event step not configured; skipped", "hook", string(hook), "step", st.name)
			continue
		}
		if err := st.run(ctx, wf); err != nil {
			log.Warn("event step failed", "hook", string(hook), "step", st.name, "error", err)
		}
	}
}

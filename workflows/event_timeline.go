package workflows

import (
	"fmt"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/labforge/labforge/domain"
)

// note records an entry on the event's timeline: its state changes and
// each participant's provisioning steps. It is best effort — a timeline
// that cannot be written is logged, never a reason to stop the event —
// and only for lifecycles since changeEventTimeline.
func (wf *eventLifecycle) note(ctx workflow.Context, kind domain.EventActivityKind, user *uuid.UUID, message string, details map[string]any) {
	if workflow.GetVersion(ctx, changeEventTimeline, workflow.DefaultVersion, 1) != 1 {
		return
	}
	a := domain.EventActivity{EventID: wf.in.EventID, Time: workflow.Now(ctx), Kind: kind, UserID: user,
		Message: message, Details: details}
	if err := bookkeep(ctx, nil, timeline.RecordEventActivity, a); err != nil {
		workflow.GetLogger(ctx).Warn("recording on the event's timeline failed", "kind", kind, "error", err)
	}
}

// itemKinds names the timeline entry of an item's state; a pending item
// has none.
var itemKinds = map[domain.EventItemState]domain.EventActivityKind{
	domain.ItemProvisioning: domain.EventActivityItemProvisioning,
	domain.ItemReady:        domain.EventActivityItemReady,
	domain.ItemFailed:       domain.EventActivityItemFailed,
	domain.ItemRemoved:      domain.EventActivityItemRemoved,
}

// noteItem records item i's new state on the timeline.
func (wf *eventLifecycle) noteItem(ctx workflow.Context, i int) {
	it := wf.s.Items[i]
	kind, ok := itemKinds[it.State]
	if !ok {
		return
	}
	user := it.User
	details := map[string]any{"machine": it.Machine, "index": it.Index, "state": string(it.State)}
	if it.Step != "" {
		details["step"] = it.Step
	}
	if it.Error != "" {
		details["error"] = it.Error
	}
	wf.note(ctx, kind, &user, fmt.Sprintf("machine %s-%d of %s is %s", it.Machine, it.Index, it.Username, it.State), details)
}

package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"

	"github.com/labforge/labforge/domain"
)

// EventTimeline records what happens to events in their timelines (the
// event_activity collection of store/audit), for the lifecycle workflow:
// its state changes and every per-participant provisioning step.
type EventTimeline struct {
	Log domain.EventActivityLog
}

func (t *EventTimeline) validate() error {
	if t.Log == nil {
		return errors.New("EventTimeline needs its Log")
	}
	return nil
}

// RecordEventActivity appends a to its event's timeline. An empty a.ID
// becomes the workflow run and activity id, so a retried attempt records
// the entry once; an empty Actor is the platform ("labforge"). Invalid
// fields fail without retry.
func (t *EventTimeline) RecordEventActivity(ctx context.Context, a domain.EventActivity) error {
	if a.ID == "" {
		info := activity.GetInfo(ctx)
		a.ID = info.WorkflowExecution.RunID + "/" + info.ActivityID
	}
	if a.Actor == "" && a.ActorID == nil {
		a.Actor = "labforge"
	}
	return classify(t.Log.RecordEventActivity(ctx, &a))
}

import type { Event } from "../../api/types";
import { ActionButton } from "../../components/ActionButton";
import { FormError } from "../../components/FormError";
import { useEventAction, type EventAction } from "./eventActions";

const controls: {
  action: EventAction;
  label: string;
  title: (e: Event) => string;
  danger?: boolean;
  when: (e: Event, failed: number) => boolean;
}[] = [
  {
    action: "deploy",
    label: "Deploy now",
    title: (e) => `Deploy ${e.name} now, before its lead time?`,
    when: (e) => e.state === "planned",
  },
  {
    action: "retry-failed",
    label: "Retry failed seats",
    title: (e) => `Clone the failed seats of ${e.name} again?`,
    when: (e, failed) => failed > 0 || e.state === "deploy_failed",
  },
  {
    action: "end",
    label: "End now",
    title: (e) => `End ${e.name} now? Participants lose their connections.`,
    danger: true,
    when: (e) => ["deploying", "ready", "running", "deploy_failed"].includes(e.state),
  },
  {
    action: "cancel",
    label: "Cancel event",
    title: (e) => `Cancel ${e.name}? Anything deployed is removed.`,
    danger: true,
    when: (e) => ["planned", "deploying", "ready", "deploy_failed"].includes(e.state),
  },
];

/** EventControls are the instructor's changes to a running lifecycle: deploy now, retry failed seats, end now, cancel. */
export function EventControls({ event, failed }: { event: Event; failed: number }) {
  const act = useEventAction(event.id);
  const shown = controls.filter((c) => c.when(event, failed));
  if (shown.length === 0) return null;
  return (
    <div className="section">
      {act.isSuccess && (
        <p className="alert alert-ok" role="status">
          {controls.find((c) => c.action === act.variables)?.label} accepted
          {act.data.end_requested ? "; the event ends once its deployment has finished" : ""}.
        </p>
      )}
      <FormError error={act.error} />
      <div className="actions">
        {shown.map((c) => (
          <ActionButton
            key={c.action}
            label={c.label}
            title={c.title(event)}
            confirmLabel={c.label}
            danger={c.danger}
            onConfirm={() => act.mutateAsync(c.action)}
          >
            {c.label}
          </ActionButton>
        ))}
      </div>
    </div>
  );
}

const tones: Record<string, "ok" | "warn" | "danger" | "info" | undefined> = {
  ready: "ok",
  running: "ok",
  online: "ok",
  completed: "ok",
  succeeded: "ok",
  active: "ok",
  applied: "ok",
  pending: "info",
  provisioning: "info",
  creating: "info",
  deploying: "info",
  planned: "info",
  decommissioning: "info",
  deleting: "info",
  awaiting_operator: "warn",
  paused: "warn",
  skipped: "warn",
  stopped: undefined,
  unknown: "warn",
  missing: "warn",
  offline: "danger",
  failed: "danger",
  deploy_failed: "danger",
  aborted: "danger",
};

/** StatusBadge shows a state as text in the colour of its kind. */
export function StatusBadge({ state, label }: { state: string; label?: string }) {
  const tone = tones[state];
  return <span className={tone ? `badge badge-${tone}` : "badge"}>{label ?? state.replaceAll("_", " ")}</span>;
}

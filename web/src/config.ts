// Settings fixed when the console is built (Vite's VITE_* variables).

/** Where the Temporal Web UI is; the dev stack serves it on port 8233. */
export const temporalUIURL = (import.meta.env.VITE_TEMPORAL_UI_URL ?? "http://localhost:8233").replace(/\/+$/, "");

/** The Temporal namespace Labforge's workflows run in. */
export const temporalNamespace = import.meta.env.VITE_TEMPORAL_NAMESPACE ?? "default";

/** workflowURL links to one workflow (run) in the Temporal Web UI. */
export function workflowURL(workflowId: string, runId?: string): string {
  const base = `${temporalUIURL}/namespaces/${encodeURIComponent(temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

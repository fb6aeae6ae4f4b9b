import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { unwrap } from "../api/errors";
import type { ConsoleSettings } from "../api/types";

/** useConsoleSettings reads the deployment's console settings once per session. */
export function useConsoleSettings() {
  return useQuery({
    queryKey: ["console", "settings"],
    queryFn: () => unwrap(api.GET("/api/v1/console/settings")),
    staleTime: Infinity,
  });
}

/** workflowURL is the page of one workflow (run) in the Temporal Web UI, or undefined without one. */
export function workflowURL(settings: ConsoleSettings | undefined, workflowId: string, runId?: string) {
  if (!settings?.temporal_ui_url) return undefined;
  const ns = encodeURIComponent(settings.temporal_namespace);
  const base = `${settings.temporal_ui_url}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

/**
 * WorkflowLink opens an operation's workflow in the Temporal Web UI; where
 * the deployment names no UI it shows the workflow id as text.
 */
export function WorkflowLink({
  workflowId,
  runId,
  children,
}: {
  workflowId: string;
  runId?: string;
  children?: ReactNode;
}) {
  const settings = useConsoleSettings();
  const href = workflowURL(settings.data, workflowId, runId);
  if (!href) return <span className="mono">{workflowId}</span>;
  return (
    <a href={href} target="_blank" rel="noreferrer">
      {children ?? workflowId}
      <span className="visually-hidden"> (opens the Temporal Web UI)</span>
    </a>
  );
}

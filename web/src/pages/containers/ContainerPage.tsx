import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Container } from "../../api/types";
import { hasRole, useSession } from "../../auth/useSession";
import { ActionBar, type Action } from "../../components/ActionBar";
import { FormError } from "../../components/FormError";
import { formatDate } from "../../components/format";
import { OperationStarted } from "../../components/OperationLink";
import { QueryView } from "../../components/StateViews";
import { StatusBadge } from "../../components/StatusBadge";
import { Collaborators } from "./Collaborators";
import { ContainerEditForm } from "./ContainerEditForm";

type ContainerAction = "start" | "stop" | "restart" | "delete";

/** States in which a container changes by itself, so the page polls faster. */
const moving: Container["status"][] = ["creating", "deleting"];

function actionsFor(c: Container): Action<ContainerAction>[] {
  const s = c.status;
  return [
    { key: "start", label: "Start", title: `Start ${c.hostname}?`, disabled: s !== "stopped" },
    { key: "stop", label: "Stop", title: `Stop ${c.hostname}?`, danger: true, disabled: s !== "running" },
    { key: "restart", label: "Restart", title: `Restart ${c.hostname}?`, disabled: s !== "running" },
    {
      key: "delete",
      label: "Delete",
      title: `Delete ${c.hostname}? Its disk, address and ports are released; this cannot be undone.`,
      danger: true,
      disabled: s === "deleting" || s === "deleted" || s === "creating",
    },
  ];
}

/** PublicAddresses lists where the container's services are reached from outside. */
function PublicAddresses({ c }: { c: Container }) {
  if (c.services.length === 0) return <span className="muted">No service is published.</span>;
  return (
    <ul className="plain">
      {c.services.map((s) => (
        <li key={s.id}>
          {s.protocol.toUpperCase()} {s.internal_port} →{" "}
          {!s.public_address ? (
            <span className="muted">not allocated yet</span>
          ) : s.protocol === "http" ? (
            <a href={s.public_address} target="_blank" rel="noreferrer">
              {s.public_address}
            </a>
          ) : (
            <span className="mono">{s.public_address}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * ContainerPage is one container: its state, address, name, node and
 * public addresses, its start/stop/restart/delete, its resources and
 * services, and (for its owner and administrators) its collaborators.
 */
export function ContainerPage() {
  const { id = "" } = useParams();
  const qc = useQueryClient();
  const session = useSession();
  const container = useQuery({
    queryKey: ["containers", id],
    queryFn: () => unwrap(api.GET("/api/v1/containers/{id}", { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data && moving.includes(q.state.data.status) ? 3000 : 10000),
  });
  const run = useMutation({
    mutationFn: ({ action }: { action: ContainerAction }) => {
      const params = { path: { id }, header: { "Idempotency-Key": idempotencyKey() } };
      return unwrap(
        action === "delete"
          ? api.DELETE("/api/v1/containers/{id}", { params })
          : api.POST(`/api/v1/containers/{id}/${action}`, { params }),
      );
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ["containers"] }),
  });
  return (
    <>
      <p>
        <Link to="/containers">← Containers</Link>
      </p>
      <QueryView query={container} what="the container">
        {(c) => {
          const mayShare = session?.user.id === c.owner_id || hasRole(session, "admin");
          const r = c.resources;
          return (
            <article aria-labelledby="container-title">
              <div className="page-head">
                <h1 id="container-title">{c.hostname}</h1>
                <StatusBadge state={c.status} />
              </div>
              {run.isSuccess && (
                <OperationStarted operation={run.data} what={`${run.variables.action} of ${c.hostname}`} />
              )}
              <FormError error={run.error} />
              <ActionBar subject={c.hostname} actions={actionsFor(c)} onRun={(action) => run.mutateAsync({ action })} />
              <div className="card section">
                <dl className="facts">
                  <dt>Address</dt>
                  <dd className="mono">{c.ipv4 ?? "not allocated yet"}</dd>
                  <dt>DNS name</dt>
                  <dd className="mono">{c.dns_name}</dd>
                  <dt>Node</dt>
                  <dd>{c.node ? `${c.node}${c.vmid != null ? ` (VMID ${c.vmid})` : ""}` : "not placed yet"}</dd>
                  <dt>Source</dt>
                  <dd className="mono">{c.source}</dd>
                  <dt>Resources</dt>
                  <dd>
                    {r.cores} cores, {r.memory_mb} MiB memory, {r.swap_mb} MiB swap, {r.disk_gb} GiB disk
                  </dd>
                  <dt>Public addresses</dt>
                  <dd>
                    <PublicAddresses c={c} />
                  </dd>
                  <dt>Created</dt>
                  <dd>{formatDate(c.created_at)}</dd>
                </dl>
              </div>
              <ContainerEditForm key={c.id} container={c} />
              {mayShare && <Collaborators containerId={c.id} hostname={c.hostname} />}
            </article>
          );
        }}
      </QueryView>
    </>
  );
}

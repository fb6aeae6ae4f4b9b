import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Container } from "../../api/types";
import { ActionBar } from "../../components/ActionBar";
import { CardList } from "../../components/CardList";
import { FormError } from "../../components/FormError";
import { OperationStarted } from "../../components/OperationLink";
import { QueryView } from "../../components/StateViews";

type ContainerAction = "start" | "stop" | "restart";

const actions: { action: ContainerAction; label: string; danger?: boolean; when: Container["status"][] }[] = [
  { action: "start", label: "Start", when: ["stopped"] },
  { action: "stop", label: "Stop", danger: true, when: ["running"] },
  { action: "restart", label: "Restart", when: ["running"] },
];

function ServiceList({ c }: { c: Container }) {
  if (c.services.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="plain">
      {c.services.map((s) => (
        <li key={s.id}>
          {s.protocol.toUpperCase()} {s.internal_port} →{" "}
          {s.public_address ? (
            s.protocol === "http" ? (
              <a href={s.public_address} target="_blank" rel="noreferrer">
                {s.public_address}
              </a>
            ) : (
              <span className="mono">{s.public_address}</span>
            )
          ) : (
            <span className="muted">not allocated yet</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** MyContainers lists the containers the user owns or collaborates on. */
export function MyContainers({ ownerFilter }: { ownerFilter: string | undefined }) {
  const qc = useQueryClient();
  const containers = useQuery({
    queryKey: ["containers", { owner: ownerFilter }],
    queryFn: () => unwrap(api.GET("/api/v1/containers", { params: { query: { owner: ownerFilter, limit: 200 } } })),
    refetchInterval: 5000,
  });
  const run = useMutation({
    mutationFn: ({ c, action }: { c: Container; action: ContainerAction }) =>
      unwrap(
        api.POST(`/api/v1/containers/{id}/${action}`, {
          params: { path: { id: c.id }, header: { "Idempotency-Key": idempotencyKey() } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ["containers"] }),
  });

  return (
    <section className="section" aria-labelledby="my-containers">
      <div className="page-head">
        <h2 id="my-containers">My containers</h2>
        <Link className="btn btn-primary" to="/containers/new">
          New container
        </Link>
      </div>
      {run.isSuccess && (
        <OperationStarted operation={run.data} what={`${run.variables.action} of ${run.variables.c.hostname}`} />
      )}
      <FormError error={run.error} />
      <QueryView
        query={containers}
        what="your containers"
        isEmpty={(d) => d.items.length === 0}
        empty="You have no containers."
      >
        {(d) => (
          <CardList
            label="Containers"
            items={d.items}
            keyOf={(c) => c.id}
            title={(c) => <Link to={`/containers/${c.id}`}>{c.hostname}</Link>}
            state={(c) => c.status}
          >
            {(c) => (
              <>
                <dl className="facts">
                  <dt>IPv4</dt>
                  <dd className="mono">{c.ipv4 ?? "—"}</dd>
                  <dt>Name</dt>
                  <dd className="mono">{c.dns_name}</dd>
                  <dt>Source</dt>
                  <dd className="mono">{c.source}</dd>
                  <dt>Services</dt>
                  <dd>
                    <ServiceList c={c} />
                  </dd>
                </dl>
                <ActionBar
                  subject={c.hostname}
                  actions={actions.map((a) => ({
                    key: a.action,
                    label: a.label,
                    title: `${a.label} ${c.hostname}?`,
                    danger: a.danger,
                    disabled: !a.when.includes(c.status),
                  }))}
                  onRun={(action) => run.mutateAsync({ c, action })}
                />
              </>
            )}
          </CardList>
        )}
      </QueryView>
    </section>
  );
}

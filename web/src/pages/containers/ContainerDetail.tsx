import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Container } from "../../api/types";
import { fieldError, FormError } from "../../components/FormError";
import { OperationStarted } from "../../components/OperationLink";
import { QueryView } from "../../components/StateViews";
import { StatusBadge } from "../../components/StatusBadge";
import { Collaborators } from "./Collaborators";
import { serviceProblems, serviceRequest, serviceRow, type ServiceRow } from "./serviceRows";
import { ServicesEditor } from "./ServicesEditor";

/** ServicesForm replaces a container's services in one change (PATCH), checked as they are typed. */
function ServicesForm({ container, domains }: { container: Container; domains: string[] }) {
  const qc = useQueryClient();
  const [rows, setRows] = useState<ServiceRow[]>(() => container.services.map(serviceRow));
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH("/api/v1/containers/{id}", {
          params: { path: { id: container.id }, header: { "Idempotency-Key": idempotencyKey() } },
          body: { services: rows.map(serviceRequest) },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["containers"] }),
  });
  const live = serviceProblems(rows);
  const errorOf = (name: string) => fieldError(save.error, name) ?? live[name];
  const shown = rows.flatMap((_, i) =>
    ["protocol", "internal_port", "external_hostname", "external_port"].map((n) => `services[${i}].${n}`),
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  return (
    <section className="section card" aria-labelledby="services">
      <h2 id="services">Services</h2>
      {save.isSuccess && <OperationStarted operation={save.data} what="Publishing the services" />}
      <FormError error={save.error} shown={shown} />
      <form onSubmit={submit} noValidate aria-labelledby="services">
        <ServicesEditor rows={rows} onChange={setRows} domains={domains} errorOf={errorOf} hideLegend />
        <button type="submit" className="btn btn-primary" disabled={save.isPending || Object.keys(live).length > 0}>
          {save.isPending ? "Saving…" : "Save services"}
        </button>
      </form>
    </section>
  );
}

/** ContainerDetail is one container: where it runs, its public addresses, its services and its collaborators. */
export function ContainerDetail() {
  const { id = "" } = useParams();
  const container = useQuery({
    queryKey: ["containers", id],
    queryFn: () => unwrap(api.GET("/api/v1/containers/{id}", { params: { path: { id } } })),
    refetchInterval: 5000,
  });
  const domains = useQuery({
    queryKey: ["external-domains"],
    queryFn: () => unwrap(api.GET("/api/v1/external-domains", { params: { query: { limit: 500 } } })),
  });
  return (
    <>
      <p>
        <Link to="/">← My lab</Link>
      </p>
      <QueryView query={container} what="the container">
        {(c) => (
          <article aria-labelledby="container-title">
            <div className="page-head">
              <h1 id="container-title">{c.hostname}</h1>
              <StatusBadge state={c.status} />
            </div>
            <div className="card section">
              <dl className="facts">
                <dt>Name</dt>
                <dd className="mono">{c.dns_name}</dd>
                <dt>IPv4</dt>
                <dd className="mono">{c.ipv4 ?? "—"}</dd>
                <dt>Node</dt>
                <dd>{c.node ?? "not placed yet"}</dd>
                <dt>Source</dt>
                <dd className="mono">{c.source}</dd>
                <dt>Size</dt>
                <dd>
                  {c.resources.cores} cores, {c.resources.memory_mb} MiB, {c.resources.disk_gb} GiB
                </dd>
              </dl>
            </div>
            <ServicesForm
              key={c.updated_at}
              container={c}
              domains={(domains.data?.items ?? []).filter((d) => d.site_id === c.site_id).map((d) => d.name)}
            />
            <Collaborators containerId={c.id} />
          </article>
        )}
      </QueryView>
    </>
  );
}

import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { Container, ContainerUpdateRequest } from "../../api/types";
import { FormError } from "../../components/FormError";
import { OperationStarted } from "../../components/OperationLink";
import { useFieldErrors } from "../../components/useFieldErrors";
import { ResourceFields } from "./ResourceFields";
import { resourceErrors, resourceNames, type ResourceValues } from "./resources";
import { serviceErrors, serviceRequests, serviceRowOf, type ServiceRow } from "./services";
import { ServicesEditor, serviceFieldPattern } from "./ServicesEditor";

function valuesOf(c: Container): ResourceValues {
  const r = c.resources;
  return {
    cores: String(r.cores),
    memory_mb: String(r.memory_mb),
    swap_mb: String(r.swap_mb),
    disk_gb: String(r.disk_gb),
  };
}

/**
 * ContainerEditForm changes a running or stopped container's resources and
 * replaces its services (PATCH); only what changed is sent, and the disk
 * may only grow.
 */
export function ContainerEditForm({ container }: { container: Container }) {
  const qc = useQueryClient();
  const [resources, setResources] = useState(() => valuesOf(container));
  const [services, setServices] = useState<ServiceRow[]>(() => container.services.map(serviceRowOf));
  const [servicesChanged, setServicesChanged] = useState(false);
  const update = useMutation({
    mutationFn: (body: ContainerUpdateRequest) =>
      unwrap(
        api.PATCH("/api/v1/containers/{id}", {
          params: { path: { id: container.id }, header: { "Idempotency-Key": idempotencyKey() } },
          body,
        }),
      ),
    onSuccess: () => {
      setServicesChanged(false);
      void qc.invalidateQueries({ queryKey: ["containers"] });
    },
  });
  const client = { ...resourceErrors(resources, container.resources.disk_gb), ...serviceErrors(services) };
  const errors = useFieldErrors(client, update.error);
  const editable = container.status === "running" || container.status === "stopped";

  const body: ContainerUpdateRequest = {};
  for (const name of resourceNames) {
    const n = Number(resources[name]);
    if (resources[name].trim() !== "" && n !== container.resources[name]) body[name] = n;
  }
  if (servicesChanged) body.services = serviceRequests(services);
  const unchanged = Object.keys(body).length === 0;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (errors.tryValid() && !unchanged) update.mutate(body);
  }
  const shown = Object.keys(errors.apiFields).filter((n) => n in resources || serviceFieldPattern.test(n));
  return (
    <section className="section card" aria-labelledby="edit-container">
      <h2 id="edit-container">Resources and services</h2>
      {!editable && <p className="alert alert-info">A container can be changed only while it is running or stopped.</p>}
      {update.isSuccess && <OperationStarted operation={update.data} what={`Update of ${container.hostname}`} />}
      <FormError error={update.error} shown={shown} />
      <form ref={errors.form} onSubmit={submit} noValidate aria-labelledby="edit-container">
        <fieldset className="field" disabled={!editable}>
          <legend>Resources</legend>
          <ResourceFields
            values={resources}
            onChange={setResources}
            errors={errors}
            placeholders={valuesOf(container)}
          />
        </fieldset>
        <ServicesEditor
          rows={services}
          onChange={(rows) => {
            setServices(rows);
            setServicesChanged(true);
          }}
          errors={errors}
        />
        <button type="submit" className="btn btn-primary" disabled={!editable || unchanged || update.isPending}>
          {update.isPending ? "Saving…" : "Save changes"}
        </button>
      </form>
    </section>
  );
}

import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ContainerCreateRequest } from "../../api/types";
import { Field, SelectField, TextAreaField } from "../../components/Field";
import { FormError } from "../../components/FormError";
import { OperationStarted } from "../../components/OperationLink";
import { useCreateForm } from "../../components/useCreateForm";
import { EnvEditor, envFieldPattern } from "./EnvEditor";
import { ResourceFields } from "./ResourceFields";
import { resourceErrors, resourceRequest, type ResourceValues } from "./resources";
import {
  envErrors,
  envObject,
  messages,
  sourceError,
  sourceKindOf,
  sshKeyErrors,
  sshKeyLines,
  validHostname,
  type EnvRow,
  type SourceKind,
} from "./rules";
import { serviceErrors, serviceRequests, type ServiceRow } from "./services";
import { ServicesEditor, serviceFieldPattern } from "./ServicesEditor";

const sshFieldPattern = /^ssh_keys(\[\d+\])?$/;
const shownPattern = /^(hostname|site_id|source|cores|memory_mb|swap_mb|disk_gb)$/;

const noResources: ResourceValues = { cores: "", memory_mb: "", swap_mb: "", disk_gb: "" };

const sourceLabels: Record<SourceKind, string> = { template: "a CT template volume", oci: "an OCI image" };

/**
 * ContainerCreateForm creates a container of the user's: from a CT
 * template volume or an OCI image (told apart as the API does), with its resources, root's SSH keys,
 * environment and published services. Each field is checked as the user
 * leaves it, by the API's rules; what only the API can tell comes back on
 * the field it names.
 */
export function ContainerCreateForm() {
  const [hostname, setHostname] = useState("");
  const [siteId, setSiteId] = useState("");
  const [source, setSource] = useState("");
  const [resources, setResources] = useState<ResourceValues>(noResources);
  const [sshKeys, setSshKeys] = useState("");
  const [env, setEnv] = useState<EnvRow[]>([]);
  const [services, setServices] = useState<ServiceRow[]>([]);
  const sites = useQuery({
    queryKey: ["sites"],
    queryFn: () => unwrap(api.GET("/api/v1/sites", { params: { query: { limit: 200 } } })),
  });
  const onlySite = sites.data?.items.length === 1 ? sites.data.items[0]?.id : undefined;

  const client: Record<string, string> = {
    ...resourceErrors(resources),
    ...sshKeyErrors(sshKeys),
    ...envErrors(env),
    ...serviceErrors(services),
  };
  if (!validHostname(hostname.trim())) client.hostname = messages.hostname;
  const kind = sourceKindOf(source.trim());
  const srcErr = sourceError(kind, source.trim());
  if (srcErr) client.source = srcErr;
  if (!siteId && !onlySite && (sites.data?.items.length ?? 0) > 1) client.site_id = "choose a site";
  const { create, errors, submit } = useCreateForm({
    send: (name: string) => {
      const body: ContainerCreateRequest = { hostname: name, source: source.trim(), ...resourceRequest(resources) };
      if (siteId || onlySite) body.site_id = siteId || onlySite;
      const keys = sshKeyLines(sshKeys);
      if (keys.length) body.ssh_keys = keys;
      if (env.length) body.env = envObject(env);
      if (services.length) body.services = serviceRequests(services);
      return unwrap(
        api.POST("/api/v1/containers", { params: { header: { "Idempotency-Key": idempotencyKey() } }, body }),
      );
    },
    onSuccess: () => {
      setHostname("");
      setSource("");
      setResources(noResources);
      setSshKeys("");
      setEnv([]);
      setServices([]);
    },
    checks: client,
    invalidate: [["containers"]],
  });

  const sshMessages = [...new Set([...Object.keys(client), ...Object.keys(errors.apiFields)])]
    .filter((n) => sshFieldPattern.test(n))
    .sort()
    .map((n) => {
      const msg = errors.errorOf(n, "ssh_keys");
      const i = /\[(\d+)\]/.exec(n)?.[1];
      return msg && (i === undefined ? msg : `key ${Number(i) + 1}: ${msg}`);
    })
    .filter(Boolean);
  const shown = Object.keys(errors.apiFields).filter(
    (n) => shownPattern.test(n) || sshFieldPattern.test(n) || envFieldPattern.test(n) || serviceFieldPattern.test(n),
  );

  return (
    <section className="section card" aria-labelledby="create-container">
      <h2 id="create-container">New container</h2>
      {create.isSuccess && <OperationStarted operation={create.data} what={`Creation of ${create.variables}`} />}
      {create.isSuccess && (
        <p>
          <Link to={`/containers/${create.data.target_id}`}>Open the new container</Link>
        </p>
      )}
      <FormError error={create.error} shown={shown} />
      <form
        ref={errors.form}
        onSubmit={(e) => submit(e, hostname.trim())}
        noValidate
        aria-labelledby="create-container"
      >
        <div className="form-grid">
          <Field
            label="Host name"
            required
            autoComplete="off"
            spellCheck={false}
            hint="Lower-case letters, digits and inner hyphens; unique on the site."
            {...errors.bind("hostname", hostname, setHostname)}
          />
          <SelectField label="Site" {...errors.bind("site_id", siteId || onlySite || "", setSiteId)}>
            <option value="">{sites.isPending ? "Loading sites…" : "Choose a site"}</option>
            {sites.data?.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        </div>
        <Field
          label="Source"
          required
          autoComplete="off"
          spellCheck={false}
          hint={
            source.trim()
              ? `Read as ${sourceLabels[kind]}.`
              : "A CT template volume (local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst) or an OCI image with a tag or digest (docker.io/library/nginx:1.27)."
          }
          {...errors.bind("source", source, setSource)}
        />
        <fieldset className="field">
          <legend>Resources</legend>
          <ResourceFields values={resources} onChange={setResources} errors={errors} />
        </fieldset>
        <TextAreaField
          label="SSH public keys"
          name="ssh_keys"
          rows={3}
          spellCheck={false}
          hint="root's authorized keys, one per line."
          value={sshKeys}
          error={sshMessages.length ? sshMessages.join("; ") : undefined}
          onBlur={() => errors.touch("ssh_keys")}
          onChange={(e) => setSshKeys(e.target.value)}
        />
        <EnvEditor rows={env} onChange={setEnv} errors={errors} />
        <ServicesEditor rows={services} onChange={setServices} errors={errors} />
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create container"}
        </button>
      </form>
    </section>
  );
}

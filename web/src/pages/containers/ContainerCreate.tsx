import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ContainerCreateRequest } from "../../api/types";
import { Field, SelectField, TextAreaField } from "../../components/Field";
import { fieldError, FormError } from "../../components/FormError";
import { OperationStarted } from "../../components/OperationLink";
import { serviceProblems, serviceRequest, type ServiceRow } from "./serviceRows";
import { ServicesEditor } from "./ServicesEditor";

const hostnameRule = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** parseEnv reads KEY=VALUE lines; it names the first line that is not one. */
export function parseEnv(text: string): { env: Record<string, string>; problem?: string } {
  const env: Record<string, string> = {};
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    const eq = line.indexOf("=");
    if (eq < 1) return { env, problem: `line ${i + 1} is not NAME=value` };
    env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return { env };
}

const topFields = ["hostname", "source", "site_id", "cores", "memory_mb", "disk_gb", "ssh_keys", "env", "services"];

/** ContainerCreate is the form for a new container: its source, size, SSH keys, environment and services. */
export function ContainerCreate() {
  const qc = useQueryClient();
  const [f, setF] = useState({
    hostname: "",
    source: "",
    site_id: "",
    cores: "",
    memory_mb: "",
    disk_gb: "",
    ssh_keys: "",
    env: "",
  });
  const [services, setServices] = useState<ServiceRow[]>([]);
  const sites = useQuery({
    queryKey: ["sites"],
    queryFn: () => unwrap(api.GET("/api/v1/sites", { params: { query: { limit: 500 } } })),
  });
  const domains = useQuery({
    queryKey: ["external-domains"],
    queryFn: () => unwrap(api.GET("/api/v1/external-domains", { params: { query: { limit: 500 } } })),
  });
  const create = useMutation({
    mutationFn: (body: ContainerCreateRequest) =>
      unwrap(api.POST("/api/v1/containers", { params: { header: { "Idempotency-Key": idempotencyKey() } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["containers"] }),
  });

  const live: Record<string, string> = { ...serviceProblems(services) };
  if (f.hostname && !hostnameRule.test(f.hostname))
    live.hostname = "must be a DNS label: a-z, 0-9 and inner hyphens, at most 63";
  const env = parseEnv(f.env);
  if (env.problem) live.env = env.problem;
  const err = create.error;
  // The API's answer to the last submit wins; the live checks fill in.
  const errorOf = (name: string) => fieldError(err, name) ?? live[name];
  const siteId = f.site_id || (sites.data?.items.length === 1 ? sites.data.items[0]?.id : "") || "";
  const siteDomains = (domains.data?.items ?? []).filter((d) => !siteId || d.site_id === siteId).map((d) => d.name);

  const bind = (name: keyof typeof f) => ({
    name,
    value: f[name],
    error: errorOf(name),
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setF((prev) => ({ ...prev, [name]: e.target.value })),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const body: ContainerCreateRequest = { hostname: f.hostname.trim(), source: f.source.trim() };
    if (siteId) body.site_id = siteId;
    if (f.cores) body.cores = Number(f.cores);
    if (f.memory_mb) body.memory_mb = Number(f.memory_mb);
    if (f.disk_gb) body.disk_gb = Number(f.disk_gb);
    const keys = f.ssh_keys
      .split("\n")
      .map((k) => k.trim())
      .filter(Boolean);
    if (keys.length) body.ssh_keys = keys;
    if (Object.keys(env.env).length) body.env = env.env;
    if (services.length) body.services = services.map(serviceRequest);
    create.mutate(body);
  }
  return (
    <>
      <p>
        <Link to="/">← My lab</Link>
      </p>
      <div className="page-head">
        <h1 id="new-container">New container</h1>
      </div>
      {create.isSuccess && <OperationStarted operation={create.data} what={`Creating ${f.hostname}`} />}
      <FormError
        error={err}
        shown={[
          ...topFields,
          ...services.flatMap((_, i) =>
            ["protocol", "internal_port", "external_hostname", "external_port"].map((n) => `services[${i}].${n}`),
          ),
        ]}
      />
      <form className="card" onSubmit={submit} noValidate aria-labelledby="new-container">
        <div className="form-grid">
          <Field
            label="Host name"
            required
            hint="Its name inside the site: NAME.<internal domain>."
            {...bind("hostname")}
          />
          <Field
            label="Source"
            required
            placeholder="local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
            hint="A CT template (storage:vztmpl/file) or an OCI image with a tag (docker.io/library/nginx:1.27)."
            {...bind("source")}
          />
          {sites.isSuccess && sites.data.items.length > 1 && (
            <SelectField label="Site" required {...bind("site_id")}>
              <option value="">Choose a site</option>
              {sites.data.items.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </SelectField>
          )}
          <Field label="Cores" type="number" min={1} max={64} placeholder="1" {...bind("cores")} />
          <Field label="Memory (MiB)" type="number" min={64} max={262144} placeholder="512" {...bind("memory_mb")} />
          <Field label="Disk (GiB)" type="number" min={1} max={4096} placeholder="8" {...bind("disk_gb")} />
        </div>
        <TextAreaField label="SSH public keys" rows={2} hint="One key per line, for root." {...bind("ssh_keys")} />
        <TextAreaField label="Environment" rows={2} hint="NAME=value, one per line." {...bind("env")} />
        <ServicesEditor rows={services} onChange={setServices} domains={siteDomains} errorOf={errorOf} />
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create container"}
        </button>
      </form>
    </>
  );
}

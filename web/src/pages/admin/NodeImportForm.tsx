import { useState } from "react";
import type React from "react";
import { useQuery } from "@tanstack/react-query";
import { api, idempotencyKey } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { NodeRequest } from "../../api/types";
import { Field, SelectField } from "../../components/Field";
import { fieldError, FormError } from "../../components/FormError";
import { OperationStarted } from "../../components/OperationLink";
import { useCreateForm } from "../../components/useCreateForm";

const fieldNames = [
  "name",
  "cluster",
  "endpoint",
  "token_id",
  "token_secret",
  "tls_fingerprint",
  "tls_insecure",
  "storages",
  "bridge",
  "clone_concurrency",
  "site_id",
];

interface Form {
  name: string;
  cluster: string;
  endpoint: string;
  token_id: string;
  token_secret: string;
  tls_fingerprint: string;
  tls_insecure: boolean;
  storages: string;
  bridge: string;
  clone_concurrency: string;
  site_id: string;
}

const empty: Form = {
  name: "",
  cluster: "",
  endpoint: "",
  token_id: "",
  token_secret: "",
  tls_fingerprint: "",
  tls_insecure: false,
  storages: "",
  bridge: "",
  clone_concurrency: "",
  site_id: "",
};

/** nodeRequest turns the form into the API's NodeRequest, leaving out what is blank. */
export function nodeRequest(f: Form): NodeRequest {
  const req: NodeRequest = {
    name: f.name.trim(),
    cluster: f.cluster.trim(),
    endpoint: f.endpoint.trim(),
    token_id: f.token_id.trim(),
    token_secret: f.token_secret,
  };
  if (f.tls_fingerprint.trim()) req.tls_fingerprint = f.tls_fingerprint.trim();
  if (f.tls_insecure) req.tls_insecure = true;
  const storages = f.storages
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (storages.length) req.storages = storages;
  if (f.bridge.trim()) req.bridge = f.bridge.trim();
  if (f.clone_concurrency.trim()) req.clone_concurrency = Number(f.clone_concurrency);
  if (f.site_id) req.site_id = f.site_id;
  return req;
}

/** NodeImportForm registers a Proxmox cluster's nodes through one of them. */
export function NodeImportForm() {
  const [form, setForm] = useState<Form>(empty);
  const sites = useQuery({
    queryKey: ["sites"],
    queryFn: () => unwrap(api.GET("/api/v1/sites", { params: { query: { limit: 500 } } })),
  });
  const { create: importNodes, submit } = useCreateForm({
    send: (req: NodeRequest) =>
      unwrap(
        api.POST("/api/v1/nodes/import", { params: { header: { "Idempotency-Key": idempotencyKey() } }, body: req }),
      ),
    invalidate: [["nodes"]],
    onSuccess: () => setForm(empty),
  });
  const set = (name: keyof Form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((f) => ({
      ...f,
      [name]: e.target.type === "checkbox" ? (e.target as HTMLInputElement).checked : e.target.value,
    }));
  const err = importNodes.error;
  const text = (name: keyof Form, label: string, extra: Partial<React.ComponentProps<typeof Field>> = {}) => (
    <Field
      label={label}
      name={name}
      value={form[name] as string}
      onChange={set(name)}
      error={fieldError(err, name)}
      {...extra}
    />
  );
  return (
    <section className="section card" aria-labelledby="import-nodes">
      <h2 id="import-nodes">Import a cluster</h2>
      <p className="muted">
        Labforge registers this node, then lists the cluster's other nodes through it and registers them with the same
        settings.
      </p>
      {importNodes.isSuccess && <OperationStarted operation={importNodes.data} what="The import" />}
      <FormError error={err} shown={fieldNames} />
      <form onSubmit={(e) => submit(e, nodeRequest(form))} noValidate aria-labelledby="import-nodes">
        <div className="form-grid">
          {text("name", "Node name", { required: true, placeholder: "pve1" })}
          {text("cluster", "Cluster", { required: true, placeholder: "lab" })}
          {text("endpoint", "API endpoint", {
            required: true,
            type: "url",
            placeholder: "https://pve1.example.org:8006",
          })}
          {text("token_id", "API token id", { required: true, placeholder: "labforge@pve!labforge" })}
          {text("token_secret", "API token secret", { required: true, type: "password", autoComplete: "off" })}
          {text("tls_fingerprint", "TLS fingerprint (SHA-256)", {
            hint: "Leave empty to verify with the system's CAs.",
          })}
          {text("storages", "Storages", { placeholder: "local-lvm", hint: "Comma-separated." })}
          {text("bridge", "Bridge", { placeholder: "vmbr0" })}
          {text("clone_concurrency", "Clones at once", {
            type: "number",
            min: 0,
            max: 64,
            hint: "Empty or 0 means 2.",
          })}
          <SelectField
            label="Site"
            name="site_id"
            value={form.site_id}
            onChange={set("site_id")}
            error={fieldError(err, "site_id")}
          >
            <option value="">No site</option>
            {sites.data?.items.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        </div>
        <label className="check">
          <input type="checkbox" name="tls_insecure" checked={form.tls_insecure} onChange={set("tls_insecure")} />
          Skip TLS verification (labs only)
        </label>
        {fieldError(err, "tls_insecure") && <p className="field-error">{fieldError(err, "tls_insecure")}</p>}
        <p>
          <button type="submit" className="btn btn-primary" disabled={importNodes.isPending}>
            {importNodes.isPending ? "Importing…" : "Import"}
          </button>
        </p>
      </form>
    </section>
  );
}

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import type { ExternalDomain, Site } from "../../../api/types";
import { ActionButton } from "../../../components/ActionButton";
import { DataTable } from "../../../components/DataTable";
import { Field } from "../../../components/Field";
import { FormError } from "../../../components/FormError";
import { QueryView } from "../../../components/StateViews";
import { useCreateForm } from "../../../components/useCreateForm";
import { validDomain } from "../../containers/rules";

// Absolute, without whitespace, quotes, control characters or ;{}$ (the API's rule).
const pathPattern = /^\/[^\s"'`;{}$\x00-\x1f\x7f]*$/;
const pathMessage = "must be an absolute path without whitespace, quotes, control characters or ;{}$";
const fieldNames = ["name", "cert_path", "key_path"] as const;
type DomainForm = Record<(typeof fieldNames)[number], string>;
const empty: DomainForm = { name: "", cert_path: "", key_path: "" };

/** ExternalDomains lists a site's external domains, adds one and deletes one after confirmation. */
export function ExternalDomains({ site }: { site: Site }) {
  const qc = useQueryClient();
  const key = ["external-domains", site.id];
  const domains = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/v1/external-domains", { params: { query: { site: site.id, limit: 200 } } })),
    select: (d) => d.items,
  });
  const [f, setF] = useState<DomainForm>(empty);
  const client: Record<string, string> = {};
  if (!validDomain(f.name.trim())) client.name = "must be a lower-case DNS name such as lab.example.org";
  if (!pathPattern.test(f.cert_path.trim())) client.cert_path = pathMessage;
  if (!pathPattern.test(f.key_path.trim())) client.key_path = pathMessage;
  const { create, errors, submit } = useCreateForm({
    send: (body: DomainForm) => unwrap(api.POST("/api/v1/external-domains", { body: { ...body, site_id: site.id } })),
    checks: client,
    invalidate: [key],
    onSuccess: () => setF(empty),
  });
  const remove = useMutation({
    mutationFn: (d: ExternalDomain) =>
      unwrap(api.DELETE("/api/v1/external-domains/{id}", { params: { path: { id: d.id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const bind = (name: keyof DomainForm) => errors.bind(name, f[name], (v) => setF((p) => ({ ...p, [name]: v })));
  const formLabel = `Add an external domain to ${site.name}`;
  return (
    <>
      <h4>External domains</h4>
      <QueryView
        query={domains}
        what={`the external domains of ${site.name}`}
        isEmpty={(d) => d.length === 0}
        empty="No external domain; HTTP services need one."
      >
        {(items) => (
          <DataTable caption={`External domains of ${site.name}`} columns={["Name", "Certificate", "Key", ""]}>
            {items.map((d) => (
              <tr key={d.id}>
                <th scope="row">{d.name}</th>
                <td className="mono">{d.cert_path}</td>
                <td className="mono">{d.key_path}</td>
                <td>
                  <ActionButton
                    label={`Delete ${d.name}`}
                    title={`Delete the external domain ${d.name}?`}
                    confirmLabel="Delete"
                    danger
                    onConfirm={() => remove.mutateAsync(d)}
                  >
                    Delete
                  </ActionButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
      <FormError error={remove.error} />
      <FormError error={create.error} shown={[...fieldNames]} />
      <form
        ref={errors.form}
        onSubmit={(e) => submit(e, { name: f.name.trim(), cert_path: f.cert_path.trim(), key_path: f.key_path.trim() })}
        noValidate
        aria-label={formLabel}
      >
        <div className="form-grid">
          <Field label="Domain" placeholder="apps.example.org" autoComplete="off" {...bind("name")} />
          <Field label="Certificate path" placeholder="/etc/ssl/lab/fullchain.pem" {...bind("cert_path")} />
          <Field label="Key path" placeholder="/etc/ssl/lab/privkey.pem" {...bind("key_path")} />
        </div>
        <button type="submit" className="btn" aria-label={`Add domain to ${site.name}`} disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add domain"}
        </button>
      </form>
    </>
  );
}

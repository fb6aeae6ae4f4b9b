import { useState } from "react";
import { api } from "../../../api/client";
import { unwrap } from "../../../api/errors";
import { Field } from "../../../components/Field";
import { FormError } from "../../../components/FormError";
import { useCreateForm } from "../../../components/useCreateForm";
import { siteErrors, type SiteValues } from "./siteRules";

const empty: SiteValues = {
  name: "",
  cidr: "",
  gateway_ip: "",
  dhcp_start: "",
  dhcp_end: "",
  internal_domain: "",
  dns_forwarders: "",
  external_ip: "",
  external_port_first: "",
  external_port_last: "",
};

const fields: { name: keyof SiteValues; label: string; placeholder: string; hint?: string }[] = [
  { name: "name", label: "Name", placeholder: "campus" },
  { name: "cidr", label: "Network (CIDR)", placeholder: "10.20.0.0/24" },
  { name: "gateway_ip", label: "Gateway address", placeholder: "10.20.0.1", hint: "Outside the DHCP range." },
  { name: "dhcp_start", label: "DHCP range start", placeholder: "10.20.0.100" },
  { name: "dhcp_end", label: "DHCP range end", placeholder: "10.20.0.199" },
  { name: "internal_domain", label: "Internal domain", placeholder: "lab.example.org" },
  { name: "dns_forwarders", label: "DNS forwarders", placeholder: "9.9.9.9", hint: "Separated by spaces or commas." },
  { name: "external_ip", label: "External address", placeholder: "192.0.2.10" },
  { name: "external_port_first", label: "First external port", placeholder: "2000" },
  { name: "external_port_last", label: "Last external port", placeholder: "2999" },
];

/** SiteCreateForm registers a site: its network, DHCP range, domain, forwarders and external address and ports. */
export function SiteCreateForm() {
  const [v, setV] = useState<SiteValues>(empty);
  const trimmed = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.trim()])) as unknown as SiteValues;
  const { create, errors, submit } = useCreateForm({
    send: (s: SiteValues) =>
      unwrap(
        api.POST("/api/v1/sites", {
          body: {
            name: s.name.trim(),
            cidr: s.cidr.trim(),
            gateway_ip: s.gateway_ip.trim(),
            dhcp_start: s.dhcp_start.trim(),
            dhcp_end: s.dhcp_end.trim(),
            internal_domain: s.internal_domain.trim(),
            dns_forwarders: s.dns_forwarders.split(/[\s,]+/).filter(Boolean),
            external_ip: s.external_ip.trim(),
            ...(s.external_port_first ? { external_port_first: Number(s.external_port_first) } : {}),
            ...(s.external_port_last ? { external_port_last: Number(s.external_port_last) } : {}),
          },
        }),
      ),
    checks: siteErrors(trimmed),
    invalidate: [["sites"]],
    onSuccess: () => setV(empty),
  });
  return (
    <section className="section card" aria-labelledby="create-site">
      <h2 id="create-site">Register a site</h2>
      {create.isSuccess && (
        <p className="alert alert-ok" role="status">
          Registered {create.data.name}.
        </p>
      )}
      <FormError error={create.error} shown={fields.map((f) => f.name)} />
      <form ref={errors.form} onSubmit={(e) => submit(e, v)} noValidate aria-labelledby="create-site">
        <div className="form-grid">
          {fields.map((f) => (
            <Field
              key={f.name}
              label={f.label}
              placeholder={f.placeholder}
              hint={f.hint}
              autoComplete="off"
              {...errors.bind(f.name, v[f.name], (x) => setV((p) => ({ ...p, [f.name]: x })))}
            />
          ))}
        </div>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? "Registering…" : "Register site"}
        </button>
      </form>
    </section>
  );
}

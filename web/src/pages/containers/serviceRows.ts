import type { ContainerService, ServiceRequest } from "../../api/types";

/** ServiceRow is one service of the container form, as typed. */
export interface ServiceRow {
  protocol: "http" | "tcp" | "udp";
  internal_port: string;
  external_hostname: string;
  external_port: string;
}

export const emptyService: ServiceRow = {
  protocol: "http",
  internal_port: "",
  external_hostname: "",
  external_port: "",
};

const dnsName = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

function port(v: string): number | undefined {
  return /^\d+$/.test(v.trim()) ? Number(v) : undefined;
}

/**
 * serviceProblems checks the rows as the API will (domain.ValidateServices)
 * while the user types, keyed like the API's fields (services[i].name), so
 * most mistakes show before a request is sent. Blank rows say nothing yet.
 */
export function serviceProblems(rows: ServiceRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const f = (name: string) => `services[${i}].${name}`;
    const internal = port(r.internal_port);
    if (r.internal_port && (internal === undefined || internal < 1 || internal > 65535)) {
      out[f("internal_port")] = "must be between 1 and 65535";
    }
    if (r.protocol === "http") {
      const host = r.external_hostname.trim().toLowerCase();
      if (host && !dnsName.test(host)) out[f("external_hostname")] = "must be a DNS name such as app.lab.example.org";
      else if (host && seen.has("host " + host))
        out[f("external_hostname")] = `is used by services[${seen.get("host " + host)}] too`;
      else if (host) seen.set("host " + host, i);
    } else if (r.external_port) {
      const ext = port(r.external_port);
      if (ext === undefined || ext < 1 || ext > 65535) out[f("external_port")] = "must be between 1 and 65535";
      else if (seen.has(`port ${r.protocol}/${ext}`))
        out[f("external_port")] = `is used by services[${seen.get(`port ${r.protocol}/${ext}`)}] too`;
      else seen.set(`port ${r.protocol}/${ext}`, i);
    }
  });
  return out;
}

/** serviceRow is the form row of a container's current service. */
export function serviceRow(s: ContainerService): ServiceRow {
  return {
    protocol: s.protocol,
    internal_port: String(s.internal_port),
    external_hostname: s.external_hostname ?? "",
    external_port: s.external_port ? String(s.external_port) : "",
  };
}

/** serviceRequest turns a form row into the API's ServiceRequest. */
export function serviceRequest(r: ServiceRow): ServiceRequest {
  const s: ServiceRequest = { protocol: r.protocol, internal_port: Number(r.internal_port) };
  if (r.protocol === "http") s.external_hostname = r.external_hostname.trim().toLowerCase();
  else if (r.external_port.trim()) s.external_port = Number(r.external_port);
  return s;
}

import type { ContainerService, ServiceRequest } from "../../api/types";
import { intError, messages, validDomain, type FieldErrors } from "./rules";

/** A service row of a form: text as typed, turned into a ServiceRequest on submit. */
export interface ServiceRow {
  /** A stable key for React, not sent. */
  key: string;
  protocol: ServiceRequest["protocol"];
  internal_port: string;
  external_hostname: string;
  backend: "http" | "https";
  /** TCP/UDP only; empty takes the lowest free port of the site's pool. */
  external_port: string;
}

let nextKey = 0;

/** newServiceRow is an empty HTTP service row. */
export function newServiceRow(over: Partial<ServiceRow> = {}): ServiceRow {
  nextKey += 1;
  return {
    key: `svc-${nextKey}`,
    protocol: "http",
    internal_port: "",
    external_hostname: "",
    backend: "http",
    external_port: "",
    ...over,
  };
}

/** serviceRowOf is the row of a container's current service. */
export function serviceRowOf(s: ContainerService): ServiceRow {
  return newServiceRow({
    protocol: s.protocol,
    internal_port: String(s.internal_port),
    external_hostname: s.external_hostname ?? "",
    backend: s.backend ?? "http",
    external_port: s.external_port != null ? String(s.external_port) : "",
  });
}

/** serviceRequests is what the API is sent for the rows. */
export function serviceRequests(rows: ServiceRow[]): ServiceRequest[] {
  return rows.map((r) => {
    const req: ServiceRequest = { protocol: r.protocol, internal_port: Number(r.internal_port) };
    if (r.protocol === "http") {
      req.external_hostname = r.external_hostname.trim();
      req.backend = r.backend;
    } else if (r.external_port.trim() !== "") {
      req.external_port = Number(r.external_port);
    }
    return req;
  });
}

/**
 * serviceErrors checks the rows as domain.ValidateServices does, naming
 * fields services[i].field: ports in range, an HTTP service's host name,
 * and no host name or protocol and port asked for twice.
 */
export function serviceErrors(rows: ServiceRow[]): FieldErrors {
  const fields: FieldErrors = {};
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const at = `services[${i}].`;
    const internal = intError(r.internal_port, 1, 65535, false);
    if (internal) fields[at + "internal_port"] = internal;
    let key: string | undefined;
    let field = "";
    if (r.protocol === "http") {
      const host = r.external_hostname.trim();
      if (!validDomain(host)) fields[at + "external_hostname"] = messages.externalHostname;
      else [key, field] = [`host ${host}`, "external_hostname"];
    } else if (r.external_port.trim() !== "") {
      const external = intError(r.external_port, 1, 65535);
      if (external) fields[at + "external_port"] = external;
      else [key, field] = [`port ${r.protocol}/${Number(r.external_port)}`, "external_port"];
    }
    if (key === undefined) return;
    const j = seen.get(key);
    if (j !== undefined) fields[at + field] = `is used by services[${j}] too`;
    else seen.set(key, i);
  });
  if (rows.length > 64) fields.services = "must hold at most 64 services";
  return fields;
}

import type { Operation, Site } from "../api/types";

/** siteFixture is a site as the API answers it, changed by over. */
export function siteFixture(over: Partial<Site> = {}): Site {
  return {
    id: "5a1e0000-0000-4000-8000-000000000001",
    name: "campus",
    cidr: "10.20.0.0/24",
    gateway_ip: "10.20.0.1",
    dhcp_start: "10.20.0.100",
    dhcp_end: "10.20.0.199",
    internal_domain: "lab.example.org",
    dns_forwarders: [],
    external_ip: "192.0.2.10",
    external_port_first: 2000,
    external_port_last: 2999,
    gateway: null,
    created_at: "2026-01-01T00:00:00Z",
    ...over,
  };
}

/** operationFixture is a pending operation of kind on target type/id, as a 202 answers it. */
export function operationFixture(kind: string, targetType: string, targetId: string): Operation {
  return {
    id: "op-1",
    kind,
    target_type: targetType,
    target_id: targetId,
    workflow_id: `${targetType}/${targetId}/op`,
    state: "pending",
    skippable: false,
    requested_by: "6a1c1d9e-0000-4000-8000-000000000001",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  };
}

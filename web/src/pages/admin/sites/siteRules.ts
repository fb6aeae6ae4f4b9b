// The API's rules for a new site (domain/site.go), checked as the user types.
import { validDomain, validHostname, type FieldErrors } from "../../containers/rules";

/** The fields of the site form, as typed. */
export interface SiteValues {
  name: string;
  cidr: string;
  gateway_ip: string;
  dhcp_start: string;
  dhcp_end: string;
  internal_domain: string;
  dns_forwarders: string;
  external_ip: string;
  external_port_first: string;
  external_port_last: string;
}

/** ipv4 is a dotted IPv4 address as a number; undefined when s is not one. */
export function ipv4(s: string): number | undefined {
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** network is an IPv4 CIDR's first and last (broadcast) address; undefined when s is not one. */
export function network(s: string): { first: number; last: number } | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  const addr = m ? ipv4(m[1] ?? "") : undefined;
  const bits = Number(m?.[2]);
  if (addr === undefined || !(bits >= 0 && bits <= 32)) return undefined;
  const size = 2 ** (32 - bits);
  const first = Math.floor(addr / size) * size;
  return { first, last: first + size - 1 };
}

const ip6ish = /^[0-9a-fA-F:]+$/;

/** siteErrors checks a new site as the API does, naming its fields. */
export function siteErrors(v: SiteValues): FieldErrors {
  const f: FieldErrors = {};
  const check = (ok: boolean, name: keyof SiteValues, msg: string) => {
    if (!ok && !f[name]) f[name] = msg;
  };
  check(validHostname(v.name), "name", "must be a lower-case name of letters, digits and hyphens");
  const net = network(v.cidr);
  check(net !== undefined, "cidr", "must be an IPv4 network such as 10.20.0.0/24");
  if (net) {
    const host = (a: number | undefined) => a !== undefined && a > net.first && a < net.last;
    const gw = ipv4(v.gateway_ip);
    const start = ipv4(v.dhcp_start);
    const end = ipv4(v.dhcp_end);
    const hostMsg = "must be a host address inside cidr, not its network or broadcast address";
    check(host(gw), "gateway_ip", "must be a host address inside cidr");
    check(host(start), "dhcp_start", hostMsg);
    check(host(end), "dhcp_end", hostMsg);
    if (start !== undefined && end !== undefined) check(end >= start, "dhcp_end", "must not be below dhcp_start");
    if (host(start) && host(end) && end! >= start! && gw !== undefined) {
      check(gw < start! || gw > end!, "gateway_ip", "must be outside the DHCP range");
    }
  }
  check(validDomain(v.internal_domain), "internal_domain", "must be a DNS domain such as lab.example.org");
  const forwarders = v.dns_forwarders.split(/[\s,]+/).filter(Boolean);
  check(
    forwarders.every((a) => (ipv4(a) ?? 0) > 0 || (a.includes(":") && ip6ish.test(a))),
    "dns_forwarders",
    "must be IP addresses",
  );
  check((ipv4(v.external_ip) ?? 0) > 0, "external_ip", "must be the IPv4 address the gateway host receives traffic on");
  for (const name of ["external_port_first", "external_port_last"] as const) {
    const n = Number(v[name]);
    check(v[name] === "" || (Number.isInteger(n) && n >= 1024 && n <= 65535), name, "must be between 1024 and 65535");
  }
  if (v.external_port_first && v.external_port_last) {
    check(
      Number(v.external_port_last) >= Number(v.external_port_first),
      "external_port_last",
      "must not be below external_port_first",
    );
  }
  return f;
}

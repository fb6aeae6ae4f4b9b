import { describe, expect, it } from "vitest";
import { ipv4, network, siteErrors, type SiteValues } from "./siteRules";

const good: SiteValues = {
  name: "campus",
  cidr: "10.20.0.0/24",
  gateway_ip: "10.20.0.1",
  dhcp_start: "10.20.0.100",
  dhcp_end: "10.20.0.199",
  internal_domain: "lab.example.org",
  dns_forwarders: "9.9.9.9, 2620:fe::fe",
  external_ip: "192.0.2.10",
  external_port_first: "",
  external_port_last: "",
};

describe("site rules", () => {
  it("reads IPv4 addresses and networks", () => {
    expect(ipv4("10.20.0.1")).toBe(10 * 2 ** 24 + 20 * 2 ** 16 + 1);
    expect([ipv4("10.20.0"), ipv4("10.20.0.256"), ipv4("10.020.0.1")]).toEqual([undefined, undefined, undefined]);
    expect(network("10.20.0.77/24")).toEqual({ first: ipv4("10.20.0.0"), last: ipv4("10.20.0.255") });
    expect(network("10.20.0.0/33")).toBeUndefined();
  });

  it("passes a good site and names each wrong field as the API does", () => {
    expect(siteErrors(good)).toEqual({});
    expect(
      siteErrors({
        ...good,
        name: "Campus",
        gateway_ip: "10.20.0.150",
        dhcp_start: "10.20.0.0",
        dhcp_end: "10.20.1.5",
        dns_forwarders: "dns.example.org",
        external_port_first: "3000",
        external_port_last: "2000",
      }),
    ).toEqual({
      name: "must be a lower-case name of letters, digits and hyphens",
      dhcp_start: "must be a host address inside cidr, not its network or broadcast address",
      dhcp_end: "must be a host address inside cidr, not its network or broadcast address",
      dns_forwarders: "must be IP addresses",
      external_port_last: "must not be below external_port_first",
    });
    expect(siteErrors({ ...good, gateway_ip: "10.20.0.150" }).gateway_ip).toBe("must be outside the DHCP range");
    expect(siteErrors({ ...good, dhcp_end: "10.20.0.50" }).dhcp_end).toBe("must not be below dhcp_start");
    expect(siteErrors({ ...good, cidr: "10.20.0.0" }).cidr).toMatch(/IPv4 network/);
  });
});

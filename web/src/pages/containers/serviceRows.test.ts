import { describe, expect, it } from "vitest";
import { emptyService, serviceProblems, serviceRequest } from "./serviceRows";

describe("serviceProblems", () => {
  it("names each bad field as the API does, and says nothing about blank rows", () => {
    expect(serviceProblems([{ ...emptyService }])).toEqual({});
    expect(
      serviceProblems([
        { protocol: "http", internal_port: "70000", external_hostname: "Not a name!", external_port: "" },
        { protocol: "http", internal_port: "80", external_hostname: "app.apps.example.org", external_port: "" },
        { protocol: "http", internal_port: "81", external_hostname: "APP.apps.example.org", external_port: "" },
        { protocol: "tcp", internal_port: "22", external_hostname: "", external_port: "2200" },
        { protocol: "tcp", internal_port: "23", external_hostname: "", external_port: "2200" },
        { protocol: "udp", internal_port: "53", external_hostname: "", external_port: "2200" },
      ]),
    ).toEqual({
      "services[0].internal_port": "must be between 1 and 65535",
      "services[0].external_hostname": "must be a DNS name such as app.lab.example.org",
      "services[2].external_hostname": "is used by services[1] too",
      "services[4].external_port": "is used by services[3] too",
    });
  });
});

describe("serviceRequest", () => {
  it("sends a host name for HTTP and a port, when given, for TCP and UDP", () => {
    expect(
      serviceRequest({
        protocol: "http",
        internal_port: "8080",
        external_hostname: " Web.Apps.localhost ",
        external_port: "9",
      }),
    ).toEqual({
      protocol: "http",
      internal_port: 8080,
      external_hostname: "web.apps.localhost",
    });
    expect(serviceRequest({ protocol: "tcp", internal_port: "22", external_hostname: "x", external_port: "" })).toEqual(
      {
        protocol: "tcp",
        internal_port: 22,
      },
    );
    expect(
      serviceRequest({ protocol: "udp", internal_port: "53", external_hostname: "", external_port: "2053" }),
    ).toEqual({
      protocol: "udp",
      internal_port: 53,
      external_port: 2053,
    });
  });
});

import { describe, expect, it } from "vitest";
import { resourceErrors, resourceRequest } from "./resources";
import {
  envErrors,
  envObject,
  intError,
  messages,
  sourceError,
  sourceKindOf,
  sshKeyErrors,
  validDomain,
  validHostname,
} from "./rules";
import { newServiceRow, serviceErrors, serviceRequests } from "./services";

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBb0cG3p0J0Qw9Dq4aV0y1m2kqLq8yq5k2zR6c3e3VYx pat@laptop";

describe("container rules", () => {
  it("takes host names and DNS names as RFC 1123 lower-case labels", () => {
    expect(["web", "web-1", "a", "x".repeat(63)].every(validHostname)).toBe(true);
    expect(["", "Web", "-web", "web-", "web_1", "x".repeat(64), "a.b"].some(validHostname)).toBe(false);
    expect(validDomain("app.apps.example.org")).toBe(true);
    expect(validDomain("App.example.org")).toBe(false);
    expect(validDomain("app..example.org")).toBe(false);
  });

  it("tells a CT template volume from an OCI reference with a tag or digest", () => {
    expect(sourceError("template", "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")).toBeUndefined();
    expect(sourceError("template", "local:iso/debian.iso")).toBe(messages.template);
    expect(sourceError("oci", "docker.io/library/nginx:1.27")).toBeUndefined();
    expect(sourceError("oci", "nginx:1.27")).toBeUndefined();
    expect(sourceError("oci", "registry.example.org:5000/team/app:v2")).toBeUndefined();
    expect(sourceError("oci", `nginx@sha256:${"a".repeat(64)}`)).toBeUndefined();
    // No tag nor digest: a moving "latest" is not assumed.
    expect(sourceError("oci", "docker.io/library/nginx")).toBe(messages.oci);
    expect(sourceError("oci", "registry.example.org:5000/app")).toBe(messages.oci);
    expect(sourceError("oci", "Nginx:1.27")).toBe(messages.oci);
    expect(sourceError("oci", "local:vztmpl/debian.tar.zst")).toBe(messages.oci);
    expect(sourceError("oci", "")).toBe(messages.oci);
    expect(sourceKindOf("local:vztmpl/debian.tar.zst")).toBe("template");
    expect(sourceKindOf("docker.io/library/nginx:1.27")).toBe("oci");
  });

  it("checks whole numbers against bounds, an empty optional one passing", () => {
    expect(intError("", 1, 64)).toBeUndefined();
    expect(intError("", 1, 64, false)).toBe("is required");
    expect(intError("64", 1, 64)).toBeUndefined();
    expect(intError("65", 1, 64)).toBe("must be between 1 and 64");
    expect(intError("1.5", 1, 64)).toBe("must be between 1 and 64");
    expect(intError("two", 1, 64)).toBe("must be between 1 and 64");
  });

  it("checks resources by the API's bounds and never lets a disk shrink", () => {
    const v = { cores: "0", memory_mb: "32", swap_mb: "0", disk_gb: "" };
    expect(resourceErrors(v)).toEqual({
      cores: "must be between 1 and 64",
      memory_mb: "must be between 64 and 262144",
    });
    expect(resourceErrors({ cores: "", memory_mb: "", swap_mb: "", disk_gb: "7" }, 8).disk_gb).toMatch(/never shrinks/);
    expect(resourceRequest({ cores: "2", memory_mb: "", swap_mb: "0", disk_gb: "" })).toEqual({ cores: 2, swap_mb: 0 });
  });

  it("names environment errors env.NAME as the API does", () => {
    expect(
      envErrors([
        { name: "GOOD", value: "1" },
        { name: "9BAD", value: "x" },
        { name: "QUOTED", value: 'a"b' },
        { name: "GOOD", value: "2" },
        { name: "", value: "" },
      ]),
    ).toEqual({ "env.9BAD": messages.envName, "env.QUOTED": messages.envValue, "env.GOOD": messages.envTwice });
    expect(
      envObject([
        { name: "A", value: "1" },
        { name: "", value: "" },
      ]),
    ).toEqual({ A: "1" });
  });

  it("names each bad SSH key line ssh_keys[i]", () => {
    expect(sshKeyErrors(`${key}\n\n  ${key}  `)).toEqual({});
    expect(sshKeyErrors(`${key}\nnot a key`)).toEqual({ "ssh_keys[1]": messages.sshKey });
  });

  it("checks services as domain.ValidateServices does", () => {
    const rows = [
      newServiceRow({ internal_port: "80", external_hostname: "app.apps.example.org" }),
      newServiceRow({ internal_port: "8080", external_hostname: "app.apps.example.org" }),
      newServiceRow({ protocol: "tcp", internal_port: "22", external_port: "2001" }),
      newServiceRow({ protocol: "tcp", internal_port: "2222", external_port: "2001" }),
      newServiceRow({ protocol: "udp", internal_port: "70000" }),
      newServiceRow({ internal_port: "80", external_hostname: "not a host" }),
    ];
    expect(serviceErrors(rows)).toEqual({
      "services[1].external_hostname": "is used by services[0] too",
      "services[3].external_port": "is used by services[2] too",
      "services[4].internal_port": "must be between 1 and 65535",
      "services[5].external_hostname": messages.externalHostname,
    });
    expect(serviceRequests(rows.slice(2, 3).concat(newServiceRow({ protocol: "udp", internal_port: "53" })))).toEqual([
      { protocol: "tcp", internal_port: 22, external_port: 2001 },
      { protocol: "udp", internal_port: 53 },
    ]);
    expect(serviceRequests(rows.slice(0, 1))).toEqual([
      { protocol: "http", internal_port: 80, external_hostname: "app.apps.example.org", backend: "http" },
    ]);
  });
});

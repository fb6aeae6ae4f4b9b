// The API's simple rules for a container's fields (domain/container.go,
// domain/container_source.go), checked in the browser as the user types so
// most mistakes show before a round trip. The API stays the judge: what
// these rules cannot see (a taken host name, a domain the site does not
// serve) comes back as its field errors.

/** Field errors by the API's field names ("services[0].external_hostname"). */
export type FieldErrors = Record<string, string>;

const hostnamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const templateVolume =
  /^[a-zA-Z][a-zA-Z0-9._-]{0,99}:vztmpl\/[A-Za-z0-9][A-Za-z0-9._+-]{0,199}\.(tar|tar\.gz|tar\.xz|tar\.zst|tgz)$/;
// An OCI reference: [registry[:port]/]path[:tag][@digest], lower-case path.
const ociReference =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::([\w][\w.-]{0,127}))?(?:@([a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}))?$/;
const envName = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const envValue = /^[^\x00-\x1f\x7f;{}$"'`\\]*$/;
const sshKeyLine =
  /^(?:[\w@.-]+(?:="[^"]*")?(?:,[\w@.-]+(?:="[^"]*")?)*\s+)?(ssh-|ecdsa-|sk-)\S+\s+[A-Za-z0-9+/]+=*(\s+.*)?$/;

export const messages = {
  hostname: "must be a DNS label: lower-case letters, digits and inner hyphens, at most 63 characters",
  template: "must be a CT template volume such as local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
  oci: "must be an OCI image reference with a tag or digest such as docker.io/library/nginx:1.27",
  envName: "the name must be letters, digits and underscores, not starting with a digit, at most 128 characters",
  envValue:
    "the value must be at most 1024 printable characters without ; { } $ quotes, backslashes or control characters",
  envTwice: "is set twice",
  sshKey: "must be one public key line, such as ssh-ed25519 AAAA... user@host",
  port: "must be between 1 and 65535",
  externalHostname: "must be a DNS name such as app.lab.example.org",
};

/** validHostname reports whether s is a lower-case DNS label (RFC 1123). */
export function validHostname(s: string): boolean {
  return hostnamePattern.test(s);
}

/** validDomain reports whether s is a lower-case DNS name of RFC 1123 labels. */
export function validDomain(s: string): boolean {
  return s !== "" && s.length <= 253 && s.split(".").every(validHostname);
}

export type SourceKind = "template" | "oci";

/** sourceKindOf tells what a source is meant to be, as the API does: a CT template volume names storage:vztmpl/. */
export function sourceKindOf(source: string): SourceKind {
  return source.includes(":vztmpl/") ? "template" : "oci";
}

/** sourceError says why source is not a source of the given kind; undefined when it is. */
export function sourceError(kind: SourceKind, source: string): string | undefined {
  if (kind === "template") return templateVolume.test(source) ? undefined : messages.template;
  if (source === "" || source.length > 255 || source.includes(":vztmpl/")) return messages.oci;
  const m = ociReference.exec(source);
  return m && (m[1] !== undefined || m[2] !== undefined) ? undefined : messages.oci;
}

/**
 * intError says why text is not a whole number in [min, max]; an empty
 * text is fine when optional (the API then takes its default).
 */
export function intError(text: string, min: number, max: number, optional = true): string | undefined {
  if (text.trim() === "") return optional ? undefined : "is required";
  const n = Number(text);
  return Number.isInteger(n) && n >= min && n <= max ? undefined : `must be between ${min} and ${max}`;
}

/** An environment variable row of the form. */
export interface EnvRow {
  name: string;
  value: string;
}

/**
 * envErrors checks the rows as the API checks env, naming fields env.NAME
 * as it does (a name set twice is an error of that name).
 */
export function envErrors(rows: EnvRow[]): FieldErrors {
  const fields: FieldErrors = {};
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.name === "" && r.value === "") continue;
    let msg: string | undefined;
    if (!envName.test(r.name)) msg = messages.envName;
    else if (r.value.length > 1024 || !envValue.test(r.value)) msg = messages.envValue;
    else if (seen.has(r.name)) msg = messages.envTwice;
    seen.add(r.name);
    if (msg) fields[`env.${r.name}`] = msg;
  }
  if (rows.filter((r) => r.name !== "").length > 64) fields.env = "must hold at most 64 variables";
  return fields;
}

/** envObject is the env the API is sent for the rows; blank rows are left out. */
export function envObject(rows: EnvRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.name !== "" || r.value !== "").map((r) => [r.name, r.value]));
}

/** sshKeyLines are the non-blank lines of the SSH keys text, one key each. */
export function sshKeyLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** sshKeyErrors checks each key line, naming fields ssh_keys[i]. */
export function sshKeyErrors(text: string): FieldErrors {
  const fields: FieldErrors = {};
  const lines = sshKeyLines(text);
  lines.forEach((line, i) => {
    if (line.length > 16384 || !sshKeyLine.test(line)) fields[`ssh_keys[${i}]`] = messages.sshKey;
  });
  if (lines.length > 32) fields.ssh_keys = "must hold at most 32 keys";
  return fields;
}

// What a role may be granted (domain/permission.go): the object types a
// role's permission applies to, and the keys it may hold.

export const objectTypes = [
  "*",
  "user",
  "group",
  "site",
  "external_domain",
  "node",
  "template",
  "environment",
  "event",
  "vm",
  "container",
  "operation",
  "system",
  "role",
] as const;

export const permissionKeys = [
  "read",
  "update",
  "delete",
  "full",
  "create",
  "vm.start",
  "vm.stop",
  "vm.reset",
  "container.start",
  "container.stop",
  "container.restart",
  "event.manage",
  "operation.retry",
  "system.diagnose",
] as const;

const slug = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** roleNameError says why name cannot name a role, as the API would. */
export function roleNameError(name: string): string | undefined {
  return slug.test(name) ? undefined : "must be lower-case letters, digits and inner hyphens";
}

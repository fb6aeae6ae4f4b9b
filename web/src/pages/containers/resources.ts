import { intError, type FieldErrors } from "./rules";

/** The resource fields of a container form, as typed. */
export interface ResourceValues {
  cores: string;
  memory_mb: string;
  swap_mb: string;
  disk_gb: string;
}

export type ResourceName = keyof ResourceValues;

/** The API's bounds of each resource and its default when absent on create. */
export const resourceRules: Record<ResourceName, { label: string; min: number; max: number; default: number }> = {
  cores: { label: "Cores", min: 1, max: 64, default: 1 },
  memory_mb: { label: "Memory (MiB)", min: 64, max: 262144, default: 512 },
  swap_mb: { label: "Swap (MiB)", min: 0, max: 262144, default: 512 },
  disk_gb: { label: "Disk (GiB)", min: 1, max: 4096, default: 8 },
};

export const resourceNames = Object.keys(resourceRules) as ResourceName[];

/**
 * resourceErrors checks each resource against the API's bounds; an empty
 * one is fine (the API's default on create, unchanged on update). A disk
 * never shrinks below minDisk, as on PATCH.
 */
export function resourceErrors(v: ResourceValues, minDisk?: number): FieldErrors {
  const fields: FieldErrors = {};
  for (const name of resourceNames) {
    const r = resourceRules[name];
    const msg = intError(v[name], name === "disk_gb" && minDisk ? minDisk : r.min, r.max);
    if (msg) fields[name] = name === "disk_gb" && minDisk ? `${msg}; a disk never shrinks` : msg;
  }
  return fields;
}

/** resourceRequest holds the resources the user gave, as numbers; empty ones are left out. */
export function resourceRequest(v: ResourceValues): Partial<Record<ResourceName, number>> {
  const out: Partial<Record<ResourceName, number>> = {};
  for (const name of resourceNames) if (v[name].trim() !== "") out[name] = Number(v[name]);
  return out;
}

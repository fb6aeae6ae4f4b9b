import type { MachineRequest } from "../../api/types";

/** MachineRow is one machine of the environment form, as typed. */
export interface MachineRow {
  template_id: string;
  name: string;
  count: string;
  clone_mode: "linked" | "full";
  protocol: "" | "rdp" | "ssh" | "vnc";
  username: string;
  password: string;
}

export const emptyMachine: MachineRow = {
  template_id: "",
  name: "",
  count: "1",
  clone_mode: "linked",
  protocol: "",
  username: "",
  password: "",
};

/** machineRequest turns a form row into the API's MachineRequest. */
export function machineRequest(r: MachineRow): MachineRequest {
  const m: MachineRequest = {
    template_id: r.template_id,
    name: r.name.trim(),
    count: r.count.trim() ? Number(r.count) : 1,
    clone_mode: r.clone_mode,
  };
  if (r.protocol) {
    m.connections = [
      { protocol: r.protocol, username: r.username.trim(), ...(r.password ? { password: r.password } : {}) },
    ];
  }
  return m;
}

/** machineField is the API's field name of a machine's property, e.g. machines[1].name. */
export function machineField(i: number, name: string): string {
  return `machines[${i}].${name}`;
}

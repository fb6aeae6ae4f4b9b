import type { EventItem, EventMember } from "../../api/types";

/** A column of the seat grid: one machine, or one of its copies when a participant gets several. */
export interface SeatColumn {
  key: string;
  machine: string;
  index: number;
  label: string;
}

/** seatKey names the cell of one participant's copy of a machine. */
export function seatKey(userId: string, machine: string, index: number): string {
  return `${userId}\u0000${machine}\u0000${index}`;
}

/**
 * seatGrid lays an event's items out as participant × machine: the
 * participants (instructors have no seats) in the members' order, the
 * machines by name and copy, and each cell's item.
 */
export function seatGrid(members: EventMember[], items: EventItem[]) {
  const copies = new Map<string, number>();
  for (const it of items) copies.set(it.machine, Math.max(copies.get(it.machine) ?? 0, it.index + 1));
  const columns: SeatColumn[] = [...copies.keys()].sort().flatMap((machine) => {
    const n = copies.get(machine) ?? 1;
    return Array.from({ length: n }, (_, index) => ({
      key: `${machine}\u0000${index}`,
      machine,
      index,
      label: n > 1 ? `${machine} ${index + 1}` : machine,
    }));
  });
  const cells = new Map(items.map((it) => [seatKey(it.user_id, it.machine, it.index), it]));
  const rows = members.filter((m) => m.role === "participant");
  return { columns, rows, cells };
}

import type { EventItem, EventMember } from "../../api/types";
import { Empty } from "../../components/StateViews";
import { StatusBadge } from "../../components/StatusBadge";
import { seatGrid, seatKey } from "./seats";

function Seat({ item }: { item: EventItem | undefined }) {
  if (!item) return <span className="muted">—</span>;
  const detail =
    item.state === "failed" ? `failed at ${item.last_step || "an unknown step"}: ${item.last_error}` : item.last_step;
  return (
    <span className="seat" title={detail || undefined}>
      <StatusBadge state={item.state} />
      {item.state === "failed" && (
        <span className="seat-detail field-error">
          {item.last_step || "failed"}
          <span className="visually-hidden">: {item.last_error}</span>
        </span>
      )}
      {item.ipv4 && <span className="seat-detail mono">{item.ipv4}</span>}
    </span>
  );
}

/** SeatGrid shows each participant's copy of each machine with its state; a failed cell names its failing step. */
export function SeatGrid({ members, items }: { members: EventMember[]; items: EventItem[] }) {
  const { columns, rows, cells } = seatGrid(members, items);
  if (rows.length === 0) return <Empty>The event has no participants yet.</Empty>;
  if (columns.length === 0) return <Empty>No seat is planned yet: they appear once deployment starts.</Empty>;
  return (
    <div className="table-wrap">
      <table className="seat-grid">
        <caption className="visually-hidden">Seats: participants by machine</caption>
        <thead>
          <tr>
            <th scope="col">Participant</th>
            {columns.map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.user_id}>
              <th scope="row">
                {m.display_name || m.username}
                {m.display_name && <div className="muted">{m.username}</div>}
              </th>
              {columns.map((c) => (
                <td key={c.key}>
                  <Seat item={cells.get(seatKey(m.user_id, c.machine, c.index))} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

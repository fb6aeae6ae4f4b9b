import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import type { EventItem, EventMember } from "../../api/types";
import { SeatGrid } from "./SeatGrid";

const members: EventMember[] = [
  { user_id: "u-a", username: "ada", display_name: "Ada", email: "ada@example.org", role: "participant" },
  { user_id: "u-b", username: "bob", display_name: "", email: "bob@example.org", role: "participant" },
  { user_id: "u-i", username: "ines", display_name: "Ines", email: "ines@example.org", role: "instructor" },
];

function item(user_id: string, machine: string, index: number, over: Partial<EventItem> = {}): EventItem {
  return {
    event_id: "e-1",
    user_id,
    machine,
    index,
    vm_id: null,
    state: "ready",
    last_error: "",
    last_step: "",
    updated_at: "2026-01-01T00:00:00Z",
    ...over,
  };
}

describe("SeatGrid", () => {
  it("lays out participant × machine, one column per copy, and names a failed cell's step", () => {
    render(
      <SeatGrid
        members={members}
        items={[
          item("u-a", "web", 0, { ipv4: "10.0.0.5" }),
          item("u-a", "db", 0),
          item("u-a", "db", 1, { state: "provisioning" }),
          item("u-b", "web", 0, { state: "failed", last_step: "clone", last_error: "storage local-lvm is full" }),
        ]}
      />,
    );
    const table = screen.getByRole("table");
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual(["Participant", "db 1", "db 2", "web"]);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getByRole("rowheader").textContent)).toEqual(["Adaada", "bob"]);

    const [ada, bob] = rows as [HTMLElement, HTMLElement];
    expect(
      within(ada)
        .getAllByRole("cell")
        .map((c) => c.textContent),
    ).toEqual(["ready", "provisioning", "ready10.0.0.5"]);
    const failed = within(bob).getAllByRole("cell")[2] as HTMLElement;
    expect(failed.textContent).toContain("failed");
    expect(failed.textContent).toContain("clone: storage local-lvm is full");
    expect(failed.querySelector("[title]")?.getAttribute("title")).toBe("failed at clone: storage local-lvm is full");
    expect(within(bob).getAllByRole("cell")[0]?.textContent).toBe("—");
  });

  it("says when the event has no participants or no seats yet", () => {
    const first = render(<SeatGrid members={[members[2] as EventMember]} items={[]} />);
    expect(screen.getByText("The event has no participants yet.")).toBeTruthy();
    first.unmount();
    render(<SeatGrid members={members} items={[]} />);
    expect(screen.getByText(/No seat is planned yet/)).toBeTruthy();
  });
});

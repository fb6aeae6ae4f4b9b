import { describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ListPage, type ListQuery } from "./ListPage";

interface Item {
  id: string;
  name: string;
}

function loaded(data: Item[] | undefined, more: Partial<ListQuery<Item>> = {}): ListQuery<Item> {
  return { isPending: false, isError: false, error: null, data, refetch: vi.fn(), ...more };
}

function paged(data: Item[], hasNextPage: boolean) {
  return { ...loaded(data), hasNextPage, isFetchingNextPage: false, fetchNextPage: vi.fn() };
}

const table = {
  caption: "Items by name",
  columns: ["Name", ""],
  row: (i: Item) => (
    <tr key={i.id}>
      <th scope="row">{i.name}</th>
      <td>
        <button type="button">Drop {i.name}</button>
      </td>
    </tr>
  ),
};

describe("ListPage", () => {
  it("shows its head, filters, notices, the items' table and then its children", () => {
    render(
      <ListPage
        title="Things"
        actions={<span>12 in all</span>}
        filters={<form aria-label="Filter things" />}
        notices={<p role="status">Dropped one.</p>}
        query={loaded([
          { id: "1", name: "ada" },
          { id: "2", name: "bob" },
        ])}
        what="things"
        empty="Nothing yet."
        {...table}
      >
        <p>The create form</p>
      </ListPage>,
    );
    expect(screen.getByRole("heading", { level: 1, name: "Things" }).parentElement?.textContent).toBe(
      "Things12 in all",
    );
    expect(screen.getByRole("form", { name: "Filter things" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("Dropped one.");
    const section = screen.getByRole("region", { name: "Things" });
    expect(within(section).getByRole("heading", { level: 2 }).className).toBe("visually-hidden");
    const grid = within(section).getByRole("table", { name: "Items by name" });
    const headers = within(grid)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual(["Name", "Actions"]);
    expect(
      within(grid)
        .getAllByRole("rowheader")
        .map((h) => h.textContent),
    ).toEqual(["ada", "bob"]);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    const after = screen.getByText("The create form");
    expect(section.compareDocumentPosition(after) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("loads the next page while a paged query has one", async () => {
    const more = paged([{ id: "1", name: "ada" }], true);
    const { rerender } = render(<ListPage title="Things" query={more} what="things" empty="Nothing yet." {...table} />);
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(more.fetchNextPage).toHaveBeenCalledOnce();
    rerender(
      <ListPage
        title="Things"
        query={paged([{ id: "1", name: "ada" }], false)}
        what="things"
        empty="Nothing yet."
        {...table}
      />,
    );
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("says when the list is empty, and when it failed with a retry", async () => {
    const { rerender } = render(
      <ListPage title="Things" heading="All things" query={loaded([])} what="things" empty="Nothing yet." {...table} />,
    );
    expect(screen.getByText("Nothing yet.")).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
    const failed = loaded(undefined, { isError: true, error: new Error("down") });
    rerender(<ListPage title="Things" query={failed} what="things" empty="Nothing yet." {...table} />);
    expect(screen.getByRole("alert").textContent).toContain("Could not load things.");
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(failed.refetch).toHaveBeenCalledOnce();
  });

  it("shows the items in a shape of the page's own, under a heading it may show", () => {
    render(
      <ListPage
        title="Things"
        heading="My things"
        showHeading
        query={paged([{ id: "1", name: "ada" }], true)}
        what="things"
        empty="Nothing yet."
        render={(items) => (
          <ul aria-label="Cards">
            {items.map((i) => (
              <li key={i.id}>{i.name}</li>
            ))}
          </ul>
        )}
      />,
    );
    const section = screen.getByRole("region", { name: "My things" });
    expect(within(section).getByRole("heading", { level: 2 }).className).toBe("");
    expect(within(section).getByRole("list", { name: "Cards" }).textContent).toBe("ada");
    expect(within(section).getByRole("button", { name: "Load more" })).toBeTruthy();
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { useState } from "react";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useQuery } from "@tanstack/react-query";
import { ApiError } from "../api/errors";
import { renderAt } from "../test/render";
import { Field } from "./Field";
import { useCreateForm } from "./useCreateForm";

afterEach(() => vi.restoreAllMocks());

/** A form that creates a thing by name, and a list of things it invalidates. */
function ThingForm({
  send,
  loadList = async () => [],
}: {
  send: (name: string) => Promise<{ name: string }>;
  loadList?: () => Promise<string[]>;
}) {
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string[]>([]);
  const list = useQuery({ queryKey: ["things", "list"], queryFn: loadList });
  const { create, errors, submit } = useCreateForm({
    send,
    checks: name.trim() === "" ? { name: "is required" } : {},
    invalidate: [["things"]],
    onSuccess: (data, sent) => {
      setName("");
      setCreated((c) => [...c, `${data.name} from ${sent}`]);
    },
  });
  return (
    <form ref={errors.form} onSubmit={(e) => submit(e, name.trim())} noValidate aria-label="New thing">
      <Field label="Name" {...errors.bind("name", name, setName)} />
      <button type="submit">Create</button>
      <p data-testid="created">{created.join(", ")}</p>
      <p data-testid="state">{create.isSuccess ? "created" : create.isError ? "failed" : "idle"}</p>
      <p data-testid="list">{list.isFetching ? "loading" : "loaded"}</p>
    </form>
  );
}

describe("useCreateForm", () => {
  it("sends nothing while a check fails, shows it and moves focus to the field", async () => {
    const send = vi.fn(async (name: string) => ({ name }));
    renderAt(<ThingForm send={send} />);
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    const field = screen.getByRole("textbox", { name: "Name" });
    expect(field.getAttribute("aria-invalid")).toBe("true");
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(screen.getByText("is required")).toBeTruthy();
    expect(send).not.toHaveBeenCalled();
  });

  it("sends the variables given, clears and hides the checks, and loads the invalidated lists again", async () => {
    const send = vi.fn(async (name: string) => ({ name: name.toUpperCase() }));
    const loadList = vi.fn(async () => ["bob"]);
    renderAt(<ThingForm send={send} loadList={loadList} />);
    await waitFor(() => expect(loadList).toHaveBeenCalledOnce());
    const field = screen.getByRole("textbox", { name: "Name" });
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    await userEvent.type(field, "  ada ");
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("created"));
    expect(send).toHaveBeenCalledOnce();
    expect(send.mock.calls[0]?.[0]).toBe("ada");
    expect(screen.getByTestId("created").textContent).toBe("ADA from ada");
    await waitFor(() => expect(loadList).toHaveBeenCalledTimes(2));
    // The field is empty again, and its check waits for the next visit or submit.
    expect((field as HTMLInputElement).value).toBe("");
    expect(field.getAttribute("aria-invalid")).not.toBe("true");
  });

  it("shows the API's message on the field it names", async () => {
    const send = vi.fn(async () => {
      throw new ApiError({
        status: 422,
        code: "invalid",
        message: "the request is invalid",
        fields: { name: "is taken" },
      });
    });
    renderAt(<ThingForm send={send} />);
    await userEvent.type(screen.getByRole("textbox", { name: "Name" }), "ada");
    await userEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(screen.getByTestId("state").textContent).toBe("failed"));
    expect(screen.getByText("is taken")).toBeTruthy();
  });
});

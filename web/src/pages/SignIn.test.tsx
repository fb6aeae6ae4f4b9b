import { afterEach, describe, expect, it, vi } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { endSession, getSession } from "../auth/session";
import { apiError, mockApi } from "../test/api";
import { loginAnswer, renderAt, signInAs } from "../test/render";
import { SignIn } from "./SignIn";

afterEach(() => {
  endSession("signed_out");
  vi.unstubAllGlobals();
});

describe("SignIn", () => {
  it("shows the API's field error on the field it names", async () => {
    mockApi({
      "POST /api/v1/auth/login": apiError(400, "invalid", "the request is invalid", { password: "is required" }),
    });
    renderAt(<SignIn />, { path: "/sign-in", route: "/sign-in" });
    await userEvent.type(screen.getByLabelText("Username"), "pat");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    const password = screen.getByLabelText("Password");
    expect(await screen.findByText("is required")).toBeTruthy();
    expect(password.getAttribute("aria-invalid")).toBe("true");
    expect(password.getAttribute("aria-describedby")).toBe(screen.getByText("is required").id);
    expect(screen.getByLabelText("Username").getAttribute("aria-invalid")).toBeNull();
    expect(screen.getByRole("alert").textContent).toContain("the request is invalid");
  });

  it("says why a sign-in was refused", async () => {
    mockApi({ "POST /api/v1/auth/login": apiError(401, "unauthorized", "wrong username or password") });
    renderAt(<SignIn />, { path: "/sign-in", route: "/sign-in" });
    await userEvent.type(screen.getByLabelText("Username"), "pat");
    await userEvent.type(screen.getByLabelText("Password"), "nope{Enter}");
    expect((await screen.findByRole("alert")).textContent).toContain("wrong username or password");
    expect(getSession()).toBeNull();
  });

  it("signs in and goes where the user was going", async () => {
    mockApi({
      "POST /api/v1/auth/login": loginAnswer("tok"),
    });
    const { router } = renderAt(<SignIn />, { path: "/sign-in", route: "/sign-in" });
    await userEvent.type(screen.getByLabelText("Username"), "pat");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery{Enter}");
    expect(await screen.findByTestId("elsewhere")).toBeTruthy();
    expect(router.state.location.pathname).toBe("/");
    expect(getSession()?.csrfToken).toBe("tok");
  });

  it("offers each enabled OIDC provider, coming back to where the user was going", async () => {
    mockApi({
      "GET /api/v1/auth/providers": {
        body: {
          providers: [
            { id: "local", type: "local", display_name: "Labforge account" },
            { id: "ldap", type: "ldap", display_name: "University directory" },
            { id: "campus", type: "oidc", display_name: "Campus SSO", start_url: "/api/v1/auth/oidc/campus/start" },
          ],
        },
      },
    });
    renderAt(<SignIn />, { path: "/sign-in", route: "/sign-in" });
    const button = await screen.findByRole("link", { name: "Sign in with Campus SSO" });
    expect(button.getAttribute("href")).toBe("/api/v1/auth/oidc/campus/start?return_to=%2F");
    expect(screen.getByText(/University directory/)).toBeTruthy();
  });

  it("tells a user whose session expired to sign in again", () => {
    signInAs();
    endSession("expired");
    renderAt(<SignIn />, { path: "/sign-in", route: "/sign-in" });
    expect(screen.getByRole("status").textContent).toContain("Your session has expired");
  });
});

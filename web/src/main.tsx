import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, newQueryClient } from "./App";
import { restoreSession } from "./auth/session";
import { applyTheme, storedTheme } from "./components/theme";
import "./styles/index.css";

applyTheme(storedTheme());

const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks #root");
// The session is looked up before the first render, so that a reload does
// not flash the sign-in page.
void restoreSession().finally(() =>
  createRoot(root).render(
    <StrictMode>
      <App queryClient={newQueryClient()} />
    </StrictMode>,
  ),
);

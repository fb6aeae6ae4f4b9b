import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, newQueryClient } from "./App";
import { restoreSession } from "./auth/session";
import { applyTheme, storedTheme } from "./components/theme";
import "./styles/index.css";

applyTheme(storedTheme());
restoreSession();

const root = document.getElementById("root");
if (!root) throw new Error("index.html lacks #root");
createRoot(root).render(
  <StrictMode>
    <App queryClient={newQueryClient()} />
  </StrictMode>,
);

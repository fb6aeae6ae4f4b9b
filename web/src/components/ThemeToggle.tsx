import { useState } from "react";
import { applyTheme, nextTheme, storedTheme, type Theme } from "./theme";

const labels: Record<Theme, string> = { system: "System theme", light: "Light theme", dark: "Dark theme" };
const icons: Record<Theme, string> = { system: "◐", light: "☀", dark: "☾" };

/** ThemeToggle cycles system → light → dark and says which is on. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const next = nextTheme(theme);
  return (
    <button
      type="button"
      className="btn"
      aria-label={`${labels[theme]}; switch to ${labels[next].toLowerCase()}`}
      title={`${labels[theme]} (switch to ${labels[next].toLowerCase()})`}
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
    >
      <span aria-hidden="true">{icons[theme]}</span>
    </button>
  );
}

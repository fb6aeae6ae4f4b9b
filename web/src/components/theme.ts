// The colour theme: "system" follows prefers-color-scheme; "light" and
// "dark" set data-theme on <html>, which the design tokens honour.
export type Theme = "system" | "light" | "dark";

const storageKey = "labforge.theme";

export function storedTheme(): Theme {
  try {
    const t = localStorage.getItem(storageKey);
    return t === "light" || t === "dark" ? t : "system";
  } catch {
    return "system";
  }
}

/** applyTheme shows t and remembers it for the next visit. */
export function applyTheme(t: Theme): void {
  const root = document.documentElement;
  if (t === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", t);
  try {
    if (t === "system") localStorage.removeItem(storageKey);
    else localStorage.setItem(storageKey, t);
  } catch {
    // Without storage the choice lasts for this page.
  }
}

/** nextTheme is the one the toggle moves to from t. */
export function nextTheme(t: Theme): Theme {
  return t === "system" ? "light" : t === "light" ? "dark" : "system";
}

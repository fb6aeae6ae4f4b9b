// The browser for the console's tests: Debian's Chromium driven by
// playwright-core (no browser download), screenshots under
// web/e2e-results/ (not committed) and an accessibility check with axe-core.
import { createRequire } from "node:module";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

const require = createRequire(import.meta.url);

/** Where the screenshots of a run go. */
export const resultsDir = resolve(import.meta.dirname, "../e2e-results");

/** chromiumPath is LABFORGE_CHROMIUM or Debian's /usr/bin/chromium. */
export const chromiumPath = process.env.LABFORGE_CHROMIUM ?? "/usr/bin/chromium";

/** launch starts headless Chromium with no network of its own beyond what the page asks for. */
export function launch(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: apt-get install chromium, or set LABFORGE_CHROMIUM to its path`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** screenshot saves the whole page as e2e-results/<name>.png and returns the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** seriousViolations runs axe-core on the page and returns its serious and critical findings. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// Formatting shared by the screens: dates in the user's locale and byte
// sizes in binary units.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** formatDate shows an RFC 3339 time in the user's locale; "—" for none. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}

/** formatBytes shows a byte count in GiB or MiB. */
export function formatBytes(n: number): string {
  const gib = n / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(n / 2 ** 20)} MiB`;
}

/** percent is used/total as a whole percentage, 0 when total is 0. */
export function percent(used: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((used / total) * 100)) : 0;
}

/** formatSpan is the time from start to end (or to now, while running) as "4.2 s" or "3 min 5 s"; "—" when unknown. */
export function formatSpan(start: string, end?: string | null, now = Date.now()): string {
  const ms = (end ? Date.parse(end) : now) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

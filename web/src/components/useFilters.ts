import type { ChangeEvent } from "react";
import { useSearchParams } from "react-router";

/**
 * useFilters keeps a list page's filters in the address's query string, so
 * a filtered list can be bookmarked and shared; an empty value removes
 * its filter. bind(name) is the value and onChange of the named filter's field.
 */
export function useFilters<K extends string>(
  names: readonly K[],
): [
  Partial<Record<K, string>>,
  (name: K, value: string) => void,
  (name: K) => { value: string; onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => void },
] {
  const [params, setParams] = useSearchParams();
  const values: Partial<Record<K, string>> = {};
  for (const n of names) {
    const v = params.get(n);
    if (v) values[n] = v;
  }
  const set = (name: K, value: string) =>
    setParams(
      (p) => {
        if (value) p.set(name, value);
        else p.delete(name);
        return p;
      },
      { replace: true },
    );
  const bind = (name: K) => ({
    value: values[name] ?? "",
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => set(name, e.target.value),
  });
  return [values, set, bind];
}

import { useId, type ReactNode } from "react";
import { QueryView } from "./StateViews";

/**
 * ListSection is a page section listing what a query loaded, with its
 * loading, error and empty states; its heading names it for screen readers
 * and shows unless hidden says otherwise.
 */
export function ListSection<T>({
  heading,
  hidden,
  query,
  what,
  empty,
  children,
}: {
  heading: string;
  hidden?: boolean;
  query: { isPending: boolean; isError: boolean; error: unknown; data: T[] | undefined; refetch: () => unknown };
  what: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  const id = useId();
  return (
    <section className="section" aria-labelledby={id}>
      <h2 id={id} className={hidden ? "visually-hidden" : undefined}>
        {heading}
      </h2>
      <QueryView query={query} what={what} isEmpty={(items) => items.length === 0} empty={empty}>
        {children}
      </QueryView>
    </section>
  );
}

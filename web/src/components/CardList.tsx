import type { ReactNode } from "react";
import { StatusBadge } from "./StatusBadge";

/**
 * CardList shows objects as a grid of cards, each headed by its name and,
 * when given, its state; children fill the card.
 */
export function CardList<T extends { id?: string }>({
  label,
  items,
  keyOf,
  title,
  state,
  children,
}: {
  /** The list's accessible name, e.g. "VMs". */
  label: string;
  items: T[];
  keyOf: (item: T) => string;
  title: (item: T) => ReactNode;
  state?: (item: T) => string;
  children: (item: T) => ReactNode;
}) {
  return (
    <ul className="card-grid" aria-label={label}>
      {items.map((item) => (
        <li key={keyOf(item)} className="card">
          <h3>
            <span>{title(item)}</span>
            {state && <StatusBadge state={state(item)} />}
          </h3>
          {children(item)}
        </li>
      ))}
    </ul>
  );
}

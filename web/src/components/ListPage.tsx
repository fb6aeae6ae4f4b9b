import type { ReactNode } from "react";
import { DataTable, LoadMore } from "./DataTable";
import { ListSection } from "./ListSection";

/** PageHead is a page's title with what goes beside it: actions, a note. */
export function PageHead({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-head">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

/**
 * Filters is a list page's search form, named label: its fields apply as
 * the user changes them (see useFilters), so it never submits.
 */
export function Filters({ label, children }: { label: string; children: ReactNode }) {
  return (
    <form className="filters" role="search" aria-label={label} onSubmit={(e) => e.preventDefault()}>
      {children}
    </form>
  );
}

/** What a list section needs of a query: its state and the items loaded. */
export interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T[] | undefined;
  refetch: () => unknown;
}

/** What LoadMore needs of a query that pages (usePagedList). */
interface Pager {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

function isPaged(query: object): query is Pager {
  return "fetchNextPage" in query;
}

/** How a list shows its items: as table rows under column headers, or in a shape of its own. */
export type ListBody<T> =
  | {
      /** The table's caption for screen readers, e.g. "Users by username". */
      caption: string;
      /** The column headers; an empty one is a column of actions. */
      columns: string[];
      /** row renders one item as a <tr> with its key. */
      row: (item: T) => ReactNode;
    }
  | { render: (items: T[]) => ReactNode };

/** What a list section shows besides its body: its heading, query and states. */
interface ListFrame<T> {
  /** The section's heading; hidden from sight unless showHeading. */
  heading: string;
  showHeading?: boolean;
  query: ListQuery<T> | (ListQuery<T> & Pager);
  /** What is loaded, for the loading and error states: "the audit log". */
  what: string;
  /** What shows when the list is empty. */
  empty: ReactNode;
}

/** The props of List: its heading, query, states and body. */
export type ListProps<T> = ListBody<T> & ListFrame<T>;

/**
 * List is a ListSection of a query's items, in a table or shaped by
 * render, followed by a "Load more" button while a paged query has more.
 */
export function List<T>(props: ListProps<T>) {
  const { heading, showHeading, query, what, empty } = props;
  return (
    <ListSection heading={heading} hidden={!showHeading} query={query} what={what} empty={empty}>
      {(items) => (
        <>
          {"render" in props ? (
            props.render(items)
          ) : (
            <DataTable caption={props.caption} columns={props.columns}>
              {items.map((item) => props.row(item))}
            </DataTable>
          )}
          {isPaged(query) && <LoadMore query={query} />}
        </>
      )}
    </ListSection>
  );
}

/**
 * ListPage is a page that lists what a query loads: its head (title and
 * actions), its filters, notices such as a failed action's error, the list
 * and then children, such as the form that creates an item. The list's
 * heading is the title unless heading says otherwise.
 */
export function ListPage<T>({
  title,
  actions,
  filters,
  notices,
  children,
  heading = title,
  ...list
}: ListBody<T> &
  Omit<ListFrame<T>, "heading"> & {
    title: string;
    heading?: string;
    actions?: ReactNode;
    filters?: ReactNode;
    notices?: ReactNode;
    children?: ReactNode;
  }) {
  return (
    <>
      <PageHead title={title}>{actions}</PageHead>
      {filters}
      {notices}
      <List<T> heading={heading} {...list} />
      {children}
    </>
  );
}

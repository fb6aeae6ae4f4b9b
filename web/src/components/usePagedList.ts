import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";

/** One page of a list the API pages with next_cursor. */
export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

/**
 * usePagedList loads a cursor-paged list page by page: data is every item
 * loaded so far (for ListSection) and fetchNextPage loads the next page
 * (for LoadMore).
 */
export function usePagedList<T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  options: { refetchInterval?: number; enabled?: boolean } = {},
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor || undefined,
    ...options,
  });
  return { ...query, data: query.data?.pages.flatMap((p) => p.items) };
}
